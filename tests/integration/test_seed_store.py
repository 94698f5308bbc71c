"""The seed tool against a real SQLite store: counts, reruns, KPI records and the command.

Expected KPI figures are summed here straight from the stored rows with Decimal, not
through the product's KPI or aging code: receivables are each stored invoice's balance at
the end of the day (``balance_as_of``).
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from demo_ledger_fixtures import put_aging
from finance_agent.domain.ledger.records import InvoiceRecord
from finance_agent.domain.models import ARAging, KPISnapshot
from finance_agent.domain.ports import FinanceRepository
from finance_agent.domain.usecases.detect_anomalies import DetectAnomaliesUC
from finance_agent.domain.usecases.get_kpis import GetKPIsUC
from finance_agent.shared import clock
from finance_agent.tools.seed_data import WriteCount, generate, main, seed

TODAY = date(2025, 1, 31)


def _stored_invoices(repo: FinanceRepository) -> list[InvoiceRecord]:
    """Every invoice the store holds, a page at a time, by invoice id."""
    found: list[InvoiceRecord] = []
    token = None
    while True:
        page = repo.list_invoices(limit=100, after=token)
        found += page.items
        token = page.next_token
        if token is None:
            return sorted(found, key=lambda r: r.invoice_id)


def _stored_counts(repo: FinanceRepository, today: date = TODAY) -> tuple[int, int, int, int, int]:
    kpis = [repo.get_kpis(f"last_{n}d") for n in (30, 60, 90)]
    return (
        len(repo.list_customers()),
        len(_stored_invoices(repo)),
        len(repo.get_sales_series(365, end=today)),
        sum(snap is not None for snap in kpis),
        len(repo.list_agent_actions(limit=100).items),
    )


def _margin(revenue: Decimal, cogs: Decimal) -> Decimal:
    if revenue == 0:
        return Decimal(0)
    return ((revenue - cogs) / revenue).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def _assert_kpis_match_stored_rows(repo: FinanceRepository, today: date) -> None:
    ar_total = Decimal(0)
    ar_over_60 = Decimal(0)
    for record in _stored_invoices(repo):
        balance = record.balance_as_of(today)
        ar_total += balance
        if (today - record.invoice.due_date).days > 60:
            ar_over_60 += balance
    assert ar_over_60 > 0
    for days in (30, 60, 90):
        snap = repo.get_kpis(f"last_{days}d")
        assert isinstance(snap, KPISnapshot)
        assert snap.computed_for == today
        start = today - timedelta(days=days - 1)
        rows = repo.get_sales_series(days * 2, end=today)
        current = [r for r in rows if r.date >= start]
        previous = [r for r in rows if r.date < start]
        revenue = sum((r.revenue for r in current), Decimal(0))
        cogs = sum((r.cogs for r in current), Decimal(0))
        prev_revenue = sum((r.revenue for r in previous), Decimal(0))
        prev_cogs = sum((r.cogs for r in previous), Decimal(0))
        assert snap.kpis.revenue == revenue
        assert snap.kpis.gross_margin == _margin(revenue, cogs)
        assert snap.kpis.previous.revenue == prev_revenue
        assert snap.kpis.previous.gross_margin == _margin(prev_revenue, prev_cogs)
        assert snap.kpis.ar_total == ar_total
        assert snap.kpis.ar_over_60 == ar_over_60


def test_seed_writes_the_whole_data_set(sqlite_repo: FinanceRepository) -> None:
    report = seed(sqlite_repo, 42, TODAY, currency="USD")
    invoices = len(generate(42, TODAY).invoices)
    assert report.customers == WriteCount(written=50, present=0)
    assert report.invoices == WriteCount(written=invoices, present=0)
    assert report.sales == WriteCount(written=120, present=0)
    assert report.kpis == WriteCount(written=3, present=0)
    assert report.actions == WriteCount(written=10, present=0)
    assert _stored_counts(sqlite_repo) == (50, invoices, 120, 3, 10)


def test_stored_records_are_the_generated_ones(sqlite_repo: FinanceRepository) -> None:
    seed(sqlite_repo, 42, TODAY, currency="USD")
    data = generate(42, TODAY, "USD")
    assert tuple(sqlite_repo.list_customers()) == data.customers
    assert _stored_invoices(sqlite_repo) == sorted(data.invoices, key=lambda r: r.invoice_id)
    assert sqlite_repo.first_issue_date() == min(r.invoice.issue_date for r in data.invoices)
    assert tuple(sqlite_repo.get_sales_series(120, end=TODAY)) == data.sales
    assert tuple(sqlite_repo.get_kpis(s.kpis.period) for s in data.kpis) == data.kpis
    stored = sqlite_repo.list_agent_actions(limit=100).items
    assert [a.action_id for a in stored] == [f"action-{n:03d}" for n in range(10, 0, -1)]
    by_id = {spec.action_id: spec for spec in data.actions}
    for action in stored:
        spec = by_id[action.action_id]
        assert action.payload == spec.payload
        assert action.created_at == spec.created_at
        assert action.performed_by == spec.performed_by


def test_running_twice_duplicates_nothing(sqlite_repo: FinanceRepository) -> None:
    seed(sqlite_repo, 42, TODAY, currency="USD")
    first_actions = sqlite_repo.list_agent_actions(limit=100).items
    again = seed(sqlite_repo, 42, TODAY, currency="USD")
    invoices = len(generate(42, TODAY).invoices)
    assert again.customers == WriteCount(written=0, present=50)
    assert again.invoices == WriteCount(written=0, present=invoices)
    assert again.sales == WriteCount(written=0, present=120)
    assert again.kpis == WriteCount(written=0, present=3)
    assert again.actions == WriteCount(written=0, present=10)
    assert _stored_counts(sqlite_repo) == (50, invoices, 120, 3, 10)
    assert sqlite_repo.list_agent_actions(limit=100).items == first_actions


def test_kpi_records_equal_sums_of_the_stored_rows(sqlite_repo: FinanceRepository) -> None:
    seed(sqlite_repo, 42, TODAY, currency="USD")
    _assert_kpis_match_stored_rows(sqlite_repo, TODAY)


def test_kpi_records_stay_true_when_a_later_run_leaves_older_days(
    sqlite_repo: FinanceRepository,
) -> None:
    # The first run's oldest days remain and fall inside last_90d's previous period.
    seed(sqlite_repo, 42, TODAY, currency="USD")
    later = TODAY + timedelta(days=5)
    report = seed(sqlite_repo, 42, later, currency="USD")
    assert report.kpis.written == 3
    assert len(sqlite_repo.get_sales_series(365, end=later)) == 125
    _assert_kpis_match_stored_rows(sqlite_repo, later)


class _NoCache:
    """The store with no KPI records, so GetKPIsUC computes every period."""

    def __init__(self, repo: FinanceRepository) -> None:
        self._repo = repo

    def __getattr__(self, name: str) -> Any:
        return getattr(self._repo, name)

    def get_kpis(self, period: str) -> None:
        return None


def _assert_cache_is_the_computation(repo: FinanceRepository, today: date) -> None:
    for days in (30, 60, 90):
        period = f"last_{days}d"
        cached = GetKPIsUC(repo, today=lambda: today, currency="USD").execute(period)
        store: Any = _NoCache(repo)
        computed = GetKPIsUC(store, today=lambda: today, currency="USD").execute(period)
        assert (cached.source, computed.source) == ("cache", "computed")
        assert cached.model_dump(exclude={"source"}) == computed.model_dump(exclude={"source"})


def test_the_kpi_cache_is_what_kpis_compute_from_the_ledger_on_every_store(
    repo: FinanceRepository,
) -> None:
    seed(repo, 42, TODAY, currency="USD")
    _assert_cache_is_the_computation(repo, TODAY)


def test_the_kpi_cache_counts_invoices_the_store_held_before_the_seed(
    sqlite_repo: FinanceRepository,
) -> None:
    # Books of another customer, already open, and one demo invoice changed by hand.
    owed = ARAging(
        customer_id="OTHER",
        customer_name="Other Books Ltd.",
        current=Decimal("10.00"),
        days_1_30=Decimal("0"),
        days_31_60=Decimal("0"),
        days_61_90=Decimal("0"),
        days_over_90=Decimal("1234.56"),
    )
    put_aging(sqlite_repo, [owed], TODAY)
    first = generate(42, TODAY).invoices[0]
    changed = first.model_copy(update={"settlements": ()})
    sqlite_repo.put_invoice_records([changed])

    report = seed(sqlite_repo, 42, TODAY, currency="USD")

    assert report.invoices.written == len(generate(42, TODAY).invoices)
    _assert_cache_is_the_computation(sqlite_repo, TODAY)
    _assert_kpis_match_stored_rows(sqlite_repo, TODAY)
    again = seed(sqlite_repo, 42, TODAY, currency="USD")
    assert (again.invoices.written, again.kpis.written) == (0, 0)


def test_an_invoice_changed_since_the_seed_is_written_again(
    sqlite_repo: FinanceRepository,
) -> None:
    seed(sqlite_repo, 42, TODAY, currency="USD")
    paid = next(r for r in generate(42, TODAY).invoices if r.settlements)
    sqlite_repo.put_invoice_records([paid.model_copy(update={"settlements": ()})])

    report = seed(sqlite_repo, 42, TODAY, currency="USD")

    assert report.invoices == WriteCount(written=1, present=len(generate(42, TODAY).invoices) - 1)
    assert sqlite_repo.get_invoice_records([paid.invoice_id]) == {paid.invoice_id: paid}
    _assert_cache_is_the_computation(sqlite_repo, TODAY)


def test_stored_sales_show_the_injected_days_to_the_detector(
    sqlite_repo: FinanceRepository,
) -> None:
    report = seed(sqlite_repo, 42, TODAY, currency="USD")
    found = DetectAnomaliesUC(sqlite_repo, today=lambda: TODAY, currency="USD").execute()
    by_date = {a.date: a for a in found.anomalies}
    for injected in report.injected:
        assert injected.date in by_date
        expected = "spike" if injected.sigmas > 0 else "drop"
        assert by_date[injected.date].direction == expected


def test_progress_reports_one_line_per_stage(sqlite_repo: FinanceRepository) -> None:
    lines: list[str] = []
    seed(sqlite_repo, 3, TODAY, currency="USD", progress=lines.append)
    assert [line.split(":")[0] for line in lines] == [
        "customers",
        "invoices",
        "sales days",
        "KPI records",
        "actions",
    ]


# -- the command --------------------------------------------------------------------------------


def _store_from_settings() -> FinanceRepository:
    from finance_agent.bootstrap import get_repo

    return get_repo()


def test_main_seeds_the_configured_store(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--seed", "7", "--today", "2025-01-31"]) == 0
    out = capsys.readouterr().out
    invoices = len(generate(7, TODAY).invoices)
    assert "customers: 50 written, 0 already present" in out
    assert f"invoices: {invoices} written, 0 already present" in out
    assert "unusual days injected:" in out
    repo = _store_from_settings()
    assert _stored_counts(repo) == (50, invoices, 120, 3, 10)
    assert tuple(repo.get_sales_series(120, end=TODAY)) == generate(7, TODAY).sales

    assert main(["--seed", "7", "--today", "2025-01-31"]) == 0
    out = capsys.readouterr().out
    assert "actions: 0 written, 10 already present" in out
    assert f"invoices: 0 written, {invoices} already present" in out
    assert _stored_counts(repo) == (50, invoices, 120, 3, 10)


def test_main_defaults_to_todays_date(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    assert main([]) == 0
    assert "sales ending 2025-01-31" in capsys.readouterr().out
    invoices = len(generate(42, TODAY).invoices)
    assert _stored_counts(_store_from_settings()) == (50, invoices, 120, 3, 10)


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["--today", "2025-02-30"], "--today"),
        (["--today", "20250131"], "--today"),
        (["--today", "yesterday"], "--today"),
        (["--seed", "forty-two"], "--seed"),
        (["--colour", "blue"], "--colour"),
    ],
)
def test_bad_flags_exit_2_with_one_line(
    argv: list[str], flag: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert flag in lines[0]


def test_bad_configuration_exits_1_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from finance_agent.shared.settings import get_settings

    monkeypatch.setenv("CURRENCY", "dollars")
    get_settings.cache_clear()
    assert main(["--today", "2025-01-31"]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    assert "CURRENCY" in lines[0]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_the_script_tells_output_it_cannot_write_in_one_line() -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "finance_agent.tools.seed_data", "--today", "2025-01-31"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "seed_data: error: cannot write output: No space left on device"
    ]


def test_the_script_stops_quietly_when_its_reader_leaves() -> None:
    script = subprocess.Popen(
        [sys.executable, "-m", "finance_agent.tools.seed_data", "--today", "2025-01-31"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert script.stdout is not None
    assert script.stderr is not None
    script.stdout.close()  # the reader goes away before the first line
    _, errors = script.communicate(timeout=120)
    assert script.returncode == 141
    assert errors == ""

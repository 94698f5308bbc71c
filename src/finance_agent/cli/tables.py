"""Plain-text rendering of use-case results for the terminal (``--json`` prints the API's JSON)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from finance_agent.domain.models import (
    ActionPage,
    AgentAction,
    AnomalyReport,
    CashflowForecast,
    KPIs,
)


def money(value: Decimal) -> str:
    return f"{value:,.2f}"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns padded to their widest cell; numbers would read better right-aligned, so they are."""
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        out = []
        for cell, width in zip(cells, widths, strict=True):
            numeric = cell.replace(",", "").replace(".", "").lstrip("+-").isdigit()
            out.append(cell.rjust(width) if numeric else cell.ljust(width))
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def _previous_period(k: KPIs) -> str:
    p = k.previous
    span = f"({p.start_date} to {p.end_date})"
    length = (p.end_date - p.start_date).days + 1
    if p.days_with_sales == 0:
        return f"no sales recorded {span}: nothing to compare with"
    figures = f"{money(p.revenue)} {k.currency} revenue, {p.gross_margin * 100:.2f}% margin {span}"
    if p.days_with_sales < length:
        # The store's history begins inside it: its total is not comparable as it stands.
        figures += f"; sales on only {p.days_with_sales} of its {_days(length)}"
    return figures


def render_kpis(k: KPIs) -> str:
    length = (k.end_date - k.start_date).days + 1
    rows = [
        ("Period", f"{k.period} ({k.start_date} to {k.end_date})"),
        ("Days with sales", f"{k.days_with_sales} of {length}"),
        ("Revenue", f"{money(k.revenue)} {k.currency}"),
        ("Gross margin", f"{k.gross_margin * 100:.2f}%"),
        ("AR total", f"{money(k.ar_total)} {k.currency}"),
        ("AR over 60 days", f"{money(k.ar_over_60)} {k.currency}"),
        ("Previous period", _previous_period(k)),
        ("Source", k.source),
    ]
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label.ljust(width)}  {value}" for label, value in rows)


def _count(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def no_sales_note(period: str, start: date, end: date) -> str:
    # All zeros read like a bad month; say it is an empty store and how to fill it.
    return (
        f"Note: no sales history for {period} ({start} to {end}); "
        "`finance-agent seed` writes a demo data set ending today"
    )


def render_kpis_report(k: KPIs) -> str:
    """The KPI table, and the note an empty period needs."""
    text = render_kpis(k)
    if k.days_with_sales == 0:
        text += "\n" + no_sales_note(k.period, k.start_date, k.end_date)
    return text


def render_forecast(f: CashflowForecast) -> str:
    chosen = f.method if f.method == f.requested_method else f"{f.method}, for {f.requested_method}"
    head = (
        f"Cash-flow forecast ({chosen}), {_days(f.horizon_days)} from {f.start_date} to "
        f"{f.end_date}\n"
        f"Daily average {money(f.daily_average)} {f.currency} from {_days(f.window_days)} of "
        f"history; total {money(f.total)} {f.currency}"
    )
    if f.total_interval is not None:
        i = f.total_interval
        head += (
            f" (80%: {money(i.lo80)} to {money(i.hi80)}; 95%: {money(i.lo95)} to {money(i.hi95)})"
        )
    if f.note:
        head += f"\nNote: {f.note}"
    rows = [
        (
            str(p.date),
            money(p.amount),
            f"{money(p.lo80)} to {money(p.hi80)}"
            if p.lo80 is not None and p.hi80 is not None
            else "",
        )
        for p in f.points
    ]
    return head + "\n\n" + table(("Date", f"Amount ({f.currency})", "80% interval"), rows)


def render_anomalies(r: AnomalyReport) -> str:
    head = (
        f"{_count(len(r.anomalies), 'unusual day')} in {r.period} "
        f"({r.start_date} to {r.end_date}), {_days(r.days_analyzed)} analysed, "
        f"|score| >= {r.threshold:g} ({r.method}); "
        f"mean {money(r.mean)}, std dev {money(r.std_dev)} {r.currency}"
    )
    if r.note:
        head += f"\nNote: {r.note}"
    if r.days_analyzed == 0:
        head += "\n" + no_sales_note(r.period, r.start_date, r.end_date)
    shifts = {a.level_shift for a in r.anomalies if a.level_shift is not None}
    for shift in sorted(shifts, key=lambda s: s.start_date):
        side = "above" if shift.mean_score > 0 else "below"
        head += (
            f"\nLevel shift: {shift.start_date} to {shift.end_date}, {_days(shift.days)} together "
            f"{side} expected (mean score {shift.mean_score:+.3f})"
        )
    if not r.anomalies:
        return head
    rows = [
        (
            str(a.date),
            f"{a.direction} (shift)" if a.level_shift else a.direction,
            money(a.value),
            money(a.expected),
            f"{a.deviation:+,.2f}",
            f"{a.z_score:+.3f}",
        )
        for a in r.anomalies
    ]
    headers = ("Date", "Direction", "Revenue", "Expected", "Deviation", "Score")
    return head + "\n\n" + table(headers, rows)


def _action_row(a: AgentAction) -> tuple[str, str, str, str, str, str]:
    customer = str(a.payload.get("customer_id", ""))
    when = str(a.payload.get("remind_date", ""))
    created = a.created_at.strftime("%Y-%m-%d %H:%M:%S")
    return (created, a.action_id, a.action, customer, when, a.performed_by)


def render_action(a: AgentAction, created: bool = True) -> str:
    verb = "Recorded" if created else "Already recorded"
    return f"{verb} {a.action} {a.action_id} ({a.status})\n" + table(
        ("Created (UTC)", "Action id", "Action", "Customer", "Remind on", "By"), [_action_row(a)]
    )


def render_actions(page: ActionPage) -> str:
    if not page.items:
        return "No actions recorded."
    text = table(
        ("Created (UTC)", "Action id", "Action", "Customer", "Remind on", "By"),
        [_action_row(a) for a in page.items],
    )
    if page.next_token:
        text += f"\n\nMore: --next-token {page.next_token}"
    return text

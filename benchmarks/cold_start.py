"""Cold start of each Lambda handler against a fresh process that only makes a boto3 client.

Starts its own moto server (DynamoDB's API over HTTP on loopback), creates the table with
``ensure_table`` and writes the demo data set with ``finance_agent.tools.seed_data.seed``.
Then, in interleaved rounds (a new shuffled order each round), it starts one fresh
``python -c`` process per variant:

- ``python -c pass``: the interpreter's own start and exit (timed from outside only);
- ``boto3 client``: ``import boto3`` and ``boto3.client("dynamodb", ...)``;
- ``boto3 client + Query``: the same plus one real Query (30 sales days from the index);
- one per route of the route table (the chat excepted): import the handler module and serve
  one request, a payload v2 event whose ``requestContext.authorizer.jwt`` carries the claims
  (as API Gateway's JWT authorizer puts them, so no token is verified), STORE=dynamodb.

Inside each child ``time.perf_counter()`` is read first, so the child's figure runs from the
top of the script (the interpreter already started) to the response; the parent also times
the whole process, spawn to exit. The children also report the time spent in botocore's
HTTP sends (waiting for moto, which is much slower per item than DynamoDB) and in the
cyclic garbage collector. Times are medians over the rounds; ratios are medians over the
rounds of the ratio within each round (a round's variants run back to back, so a slow spell
of a shared machine touches both sides). The goal: handler / bare client at most 1.5.

Afterwards a few ``python -X importtime`` runs of one handler and of the bare client + Query
give the import costs (self time, median of the runs), per module and per package, each
handler-only standard-library module charged to the package that imported it.

    python benchmarks/cold_start.py [--repeats 15] [--top 20] [--routes get_kpis ...]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from moto_local import FAKE_AWS_ENV as MOTO_ENV
from moto_local import start_moto_server, stop

REGION = "us-east-1"
TABLE = "finance-cold-start"
GOAL_RATIO = 1.5
MARK = "@@BENCH "
# The chat route has its own issue and benchmark; it needs a model provider.
EXCLUDED_ROUTES = frozenset({"agent_chat"})
FAKE_AWS_ENV = MOTO_ENV | {"AWS_DEFAULT_REGION": REGION}
PASS = "python -c pass"
BARE = "boto3 client"
BARE_QUERY = "boto3 client + Query"
BASELINES = (PASS, BARE, BARE_QUERY)

# Run before the clock starts in every measured child (a few microseconds, no imports):
# the collector's time through gc.callbacks, and the time inside botocore's HTTP send (the
# store's answer) by wrapping URLLib3Session.send when botocore.httpsession is first loaded.
PRELUDE = """\
import gc, sys, time
_gc = [0.0, 0.0]
def _gc_timer(phase, info):
    if phase == "start":
        _gc[1] = time.perf_counter()
    else:
        _gc[0] += time.perf_counter() - _gc[1]
gc.callbacks.append(_gc_timer)
_wait = [0.0, 0]
class _SendTimer:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name != "botocore.httpsession":
            return None
        sys.meta_path.remove(_SendTimer)
        for finder in sys.meta_path:
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        load = spec.loader.exec_module
        def exec_module(module):
            load(module)
            send = module.URLLib3Session.send
            def timed_send(self, request):
                started = time.perf_counter()
                try:
                    return send(self, request)
                finally:
                    _wait[0] += time.perf_counter() - started
                    _wait[1] += 1
            module.URLLib3Session.send = timed_send
        spec.loader.exec_module = exec_module
        return spec
sys.meta_path.insert(0, _SendTimer)
_t0 = time.perf_counter()
"""


def prepare_table(url: str, today: date) -> str:
    """Create the table and write the demo data set; returns a customer id for the POST."""
    os.environ.update(FAKE_AWS_ENV)
    from finance_agent.infra.dynamo_repo import DynamoRepo
    from finance_agent.infra.dynamo_table import create_client, ensure_table
    from finance_agent.shared.log import configure_logging
    from finance_agent.tools.seed_data import seed

    configure_logging("WARNING", stream="stderr")  # keep the report on stdout clean
    client = create_client(REGION, url)
    ensure_table(client, TABLE)
    repo = DynamoRepo(TABLE, REGION, client=client)
    seed(repo, today=today, currency="USD")
    customers = repo.list_customers()
    if not customers:
        sys.exit("seeding wrote no customers")
    return customers[0].customer_id


# -- the child processes ---------------------------------------------------------------------


def event_for(method: str, path: str, body: dict[str, Any] | None) -> dict[str, Any]:
    """A payload v2 event as API Gateway sends it behind its JWT authorizer."""
    epoch = int(time.time())
    return {
        "version": "2.0",
        "routeKey": f"{method} {path}",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {
            "accept": "application/json",
            "content-type": "application/json",
            "host": "bench.execute-api.us-east-1.amazonaws.com",
            "user-agent": "cold-start-benchmark",
        },
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "bench",
            "authorizer": {
                "jwt": {
                    "claims": {
                        "sub": "bench-user",
                        "email": "bench@example.com",
                        "scope": "agent:actions openid",
                        "iat": str(epoch),
                        "exp": str(epoch + 3600),
                    },
                    "scopes": ["agent:actions", "openid"],
                }
            },
            "domainName": "bench.execute-api.us-east-1.amazonaws.com",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": "cold-start-benchmark",
            },
            "requestId": "cold-start-request",
            "routeKey": f"{method} {path}",
            "stage": "$default",
            "timeEpoch": epoch * 1000,
        },
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
    }


def report(fields: str) -> str:
    """The child's last lines: json is imported after the clock stopped, so it is free."""
    common = "'gc_ms': _gc[0] * 1e3, 'wait_ms': _wait[0] * 1e3, 'sends': _wait[1]"
    return (
        f"import json\nsys.stdout.write('\\n{MARK}' + json.dumps({{{fields}, {common}}}) + '\\n')\n"
    )


def handler_script(module: str, event: dict[str, Any]) -> str:
    # The event is a literal of the script: it is compiled before the clock starts.
    return (
        PRELUDE
        + f"import {module} as _module\n"
        + "_t1 = time.perf_counter()\n"
        + f"_response = _module.handler({event!r}, None)\n"
        + "_t2 = time.perf_counter()\n"
        + report(
            "'import_ms': (_t1 - _t0) * 1e3, 'request_ms': (_t2 - _t1) * 1e3,"
            " 'total_ms': (_t2 - _t0) * 1e3, 'status': _response['statusCode']"
        )
    )


def bare_script(url: str, query: bool, today: date) -> str:
    lines = [
        "import boto3",
        "_t1 = time.perf_counter()",
        f"_client = boto3.client('dynamodb', region_name={REGION!r}, endpoint_url={url!r})",
        "_count = -1",
    ]
    if query:
        first = (today - timedelta(days=29)).isoformat()
        lines += [
            "_count = _client.query(",
            f"    TableName={TABLE!r}, IndexName='gsi1',",
            "    KeyConditionExpression='gsi1pk = :p AND gsi1sk BETWEEN :a AND :b',",
            f"    ExpressionAttributeValues={{':p': {{'S': 'SALES'}}, ':a': {{'S': {first!r}}},"
            f" ':b': {{'S': {today.isoformat()!r}}}}},",
            ")['Count']",
        ]
    lines.append("_t2 = time.perf_counter()")
    return (
        PRELUDE
        + "\n".join(lines)
        + "\n"
        + report(
            "'import_ms': (_t1 - _t0) * 1e3, 'request_ms': (_t2 - _t1) * 1e3,"
            " 'total_ms': (_t2 - _t0) * 1e3, 'items': _count"
        )
    )


@dataclass
class Variant:
    name: str
    script: str
    check: Callable[[dict[str, Any]], str | None] = lambda _report: None
    samples: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    def median(self, name: str) -> float:
        values = self.samples.get(name)
        return statistics.median(values) if values else float("nan")

    def ratio(self, other: Variant, name: str = "total_ms") -> float:
        """Median over the rounds of this variant's figure over ``other``'s in that round."""
        pairs = zip(self.samples[name], other.samples[name], strict=True)
        return statistics.median(mine / theirs for mine, theirs in pairs)


def run_child(
    script: str, env: dict[str, str], cwd: str, flags: Sequence[str] = ()
) -> tuple[float, dict[str, Any], str]:
    """Run one fresh interpreter; (wall ms, the child's report, its stderr)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *flags, "-c", script],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    wall_ms = (time.perf_counter() - started) * 1e3
    if done.returncode != 0:
        raise SystemExit(f"child failed ({done.returncode}):\n{done.stderr[-3000:]}")
    found: dict[str, Any] = {}
    for line in done.stdout.splitlines():
        if line.startswith(MARK):
            found = json.loads(line[len(MARK) :])
    return wall_ms, found, done.stderr


def child_env(url: str) -> dict[str, str]:
    from finance_agent.shared.settings import Settings

    # A developer's configuration must not leak into the children.
    settings_vars = {name.upper() for name in Settings.model_fields}
    env = {k: v for k, v in os.environ.items() if k.upper() not in settings_vars}
    for name in ("PYTHONDONTWRITEBYTECODE", "COVERAGE_PROCESS_START", "PYTHONPROFILEIMPORTTIME"):
        env.pop(name, None)
    env.update(FAKE_AWS_ENV)
    env.update(
        {
            "ENV": "prod",
            "STORE": "dynamodb",
            "TABLE_NAME": TABLE,
            "AWS_REGION": REGION,
            "DYNAMODB_ENDPOINT_URL": url,
            "LOG_LEVEL": "INFO",
        }
    )
    return env


def make_variants(
    url: str, today: date, customer_id: str, only: Sequence[str] | None
) -> list[Variant]:
    from finance_agent.routes import ROUTES

    def answered(result: dict[str, Any]) -> str | None:
        status = result.get("status")
        return None if status in (200, 201) else f"answered {status}"

    def thirty_items(result: dict[str, Any]) -> str | None:
        return None if result.get("items") == 30 else f"Query returned {result.get('items')}"

    variants = [
        Variant(PASS, "pass"),
        Variant(BARE, bare_script(url, query=False, today=today)),
        Variant(BARE_QUERY, bare_script(url, query=True, today=today), thirty_items),
    ]
    for route in ROUTES:
        wanted = route.operation_id in only if only else route.operation_id not in EXCLUDED_ROUTES
        if not wanted:
            continue
        body = None
        if route.body_model is not None:
            body = {"customer_id": customer_id, "invoice_id": "INV-COLD-START"}
        module = route.handler.rpartition(".")[0]
        event = event_for(route.method, route.path, body)
        variants.append(Variant(route.operation_id, handler_script(module, event), answered))
    return variants


def measure(variants: list[Variant], env: dict[str, str], cwd: str, repeats: int) -> None:
    order = list(variants)
    shuffle = random.Random(4)  # an order, not a secret
    for variant in variants:  # warm-up (.pyc files, page cache), not recorded
        run_child(variant.script, env, cwd)
    for round_number in range(repeats):
        shuffle.shuffle(order)
        for variant in order:
            wall_ms, found, _ = run_child(variant.script, env, cwd)
            if variant.name != PASS:
                problem = variant.check(found) if found else "no report"
                if problem:
                    raise SystemExit(f"{variant.name}: {problem}")
            variant.samples["wall_ms"].append(wall_ms)
            for name, value in found.items():
                if isinstance(value, float):
                    variant.samples[name].append(value)
            if "total_ms" in found and "wait_ms" in found:
                variant.samples["cpu_side_ms"].append(found["total_ms"] - found["wait_ms"])
        print(f"round {round_number + 1}/{repeats} done", file=sys.stderr)


# -- import costs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportRow:
    module: str
    self_ms: float
    parents: tuple[str, ...]  # importers, outermost first


def parse_importtime(stderr: str) -> list[ImportRow]:
    """``-X importtime`` lines (children printed before their parent) as rows with parents."""
    raw: list[tuple[int, str, float]] = []
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _cumulative, name = line[len("import time:") :].split("|", 2)
        depth = (len(name) - len(name.lstrip(" ")) - 1) // 2
        raw.append((depth, name.strip(), int(self_us) / 1e3))
    rows: list[ImportRow] = []
    # A module's parent is the next line (in print order) with a smaller depth.
    for index, (depth, module, self_ms) in enumerate(raw):
        parents: list[str] = []
        want = depth
        for later_depth, later_module, _ in raw[index + 1 :]:
            if later_depth < want:
                parents.append(later_module)
                want = later_depth
                if want == 0:
                    break
        rows.append(ImportRow(module, self_ms, tuple(reversed(parents))))
    return rows


def top_package(module: str) -> str:
    return module.split(".", 1)[0]


def is_stdlib(module: str) -> bool:
    name = top_package(module)
    return name in sys.stdlib_module_names or name.startswith("_sysconfigdata")


def responsible(row: ImportRow, shared: set[str]) -> str:
    """The package to charge: the module's own, or for a standard-library module that the
    bare client does not load, the nearest importing package outside the standard library."""
    if not is_stdlib(row.module) or row.module in shared:
        return top_package(row.module)
    for parent in reversed(row.parents):
        if not is_stdlib(parent):
            return top_package(parent)
    return top_package(row.module)


def import_profile(script: str, env: dict[str, str], cwd: str, runs: int) -> list[ImportRow]:
    """The rows of the first run with each module's self time the median over ``runs``.

    The collector is off in these runs, so that a collection is not charged to whichever
    module happens to be loading when it runs (its total is the GC column of the results).
    """
    per_module: dict[str, list[float]] = defaultdict(list)
    first: list[ImportRow] = []
    script = "import gc\ngc.disable()\n" + script
    for _ in range(runs):
        _, _, stderr = run_child(script, env, cwd, flags=("-X", "importtime"))
        rows = parse_importtime(stderr)
        first = first or rows
        for row in rows:
            per_module[row.module].append(row.self_ms)
    return [ImportRow(r.module, statistics.median(per_module[r.module]), r.parents) for r in first]


def import_tables(handler: list[ImportRow], bare: list[ImportRow], top: int, name: str) -> str:
    bare_modules = {row.module for row in bare}
    charged: dict[str, float] = defaultdict(float)
    for row in handler:
        if row.module not in bare_modules:
            charged[responsible(row, bare_modules)] += row.self_ms
    handler_total = sum(row.self_ms for row in handler)
    bare_total = sum(row.self_ms for row in bare)
    extra_total = sum(charged.values())
    lines = [
        f"Imports only the handler process makes (`{name}`, not the bare client + Query), "
        "self time charged to the package responsible (standard-library modules to the "
        "package that imported them); collector off, and `-X importtime` inflates every "
        "figure:",
        "",
        "| package | modules the bare client does not load (ms) |",
        "|---|---:|",
    ]
    for package, cost in sorted(charged.items(), key=lambda item: -item[1])[:top]:
        lines.append(f"| `{package}` | {cost:.1f} |")
    lines += [
        f"| **all** (handler {handler_total:.0f} ms of imports, bare client + Query "
        f"{bare_total:.0f} ms) | **{extra_total:.1f}** |",
        "",
        f"Top modules of the handler process by self time (`{name}`):",
        "",
        "| module | self (ms) | imported by | bare client loads it too |",
        "|---|---:|---|---|",
    ]
    for row in sorted(handler, key=lambda r: -r.self_ms)[:top]:
        parent = f"`{row.parents[-1]}`" if row.parents else "(script)"
        shared = "yes" if row.module in bare_modules else "no"
        lines.append(f"| `{row.module}` | {row.self_ms:.1f} | {parent} | {shared} |")
    return "\n".join(lines)


# -- the report ------------------------------------------------------------------------------


def results_tables(variants: list[Variant]) -> str:
    by_name = {v.name: v for v in variants}
    bare, bare_query, empty = by_name[BARE], by_name[BARE_QUERY], by_name[PASS]
    lines = [
        "| process | in-process (ms) | ratio to boto3 client | ratio to client + Query "
        "| whole process, wall (ms) |",
        "|---|---:|---:|---:|---:|",
        f"| `{PASS}` (interpreter start and exit) | - | - | - | {empty.median('wall_ms'):.0f} |",
    ]
    for variant in variants:
        if variant.name == PASS:
            continue
        total = variant.median("total_ms")
        label = f"`{variant.name}`" if variant.name in BASELINES else f"handler `{variant.name}`"
        lines.append(
            f"| {label} | {total:.0f} | {variant.ratio(bare):.2f}x "
            f"| {variant.ratio(bare_query):.2f}x | {variant.median('wall_ms'):.0f} |"
        )
    lines += [
        "",
        "Where the in-process time goes (medians of each column, so they need not add up):",
        "",
        "| process | import (ms) | first request (ms) | of which waiting for moto (ms) "
        "| cyclic GC (ms) | in-process minus moto wait (ms) | that, as a ratio to client + Query |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for variant in variants:
        if variant.name == PASS:
            continue
        label = f"`{variant.name}`" if variant.name in BASELINES else f"handler `{variant.name}`"
        cpu_side = variant.median("cpu_side_ms")
        lines.append(
            f"| {label} | {variant.median('import_ms'):.0f} | {variant.median('request_ms'):.0f} "
            f"| {variant.median('wait_ms'):.0f} | {variant.median('gc_ms'):.0f} "
            f"| {cpu_side:.0f} | {variant.ratio(bare_query, 'cpu_side_ms'):.2f}x |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15, help="measured rounds (default 15)")
    parser.add_argument("--top", type=int, default=15, help="rows of the import tables")
    parser.add_argument("--importtime-runs", type=int, default=5, help="0 to skip")
    parser.add_argument("--routes", nargs="+", help="operation ids (default: every route)")
    parser.add_argument("--profile-route", default="get_kpis", help="handler to break down")
    args = parser.parse_args(argv)

    url, server = start_moto_server()
    handler_imports: list[ImportRow] = []
    bare_imports: list[ImportRow] = []
    try:
        today = date.today()
        customer_id = prepare_table(url, today)
        env = child_env(url)
        with tempfile.TemporaryDirectory() as cwd:
            variants = make_variants(url, today, customer_id, args.routes)
            measure(variants, env, cwd, args.repeats)
            by_name = {v.name: v for v in variants}
            profiled = by_name.get(args.profile_route)
            if profiled is not None and args.importtime_runs > 0:
                handler_imports = import_profile(profiled.script, env, cwd, args.importtime_runs)
                bare_imports = import_profile(
                    by_name[BARE_QUERY].script, env, cwd, args.importtime_runs
                )
    finally:
        stop(server)

    print(
        f"Cold start: {args.repeats} interleaved rounds, medians; Python "
        f"{sys.version.split()[0]}, {os.cpu_count()} CPUs\n"
    )
    print(results_tables(variants))
    handlers = [v for v in variants if v.name not in BASELINES]
    worst = max(handlers, key=lambda v: v.ratio(by_name[BARE]))
    ratio = worst.ratio(by_name[BARE])
    verdict = "met" if ratio <= GOAL_RATIO else "NOT met"
    print(
        f"\nSlowest handler: {worst.name}, {ratio:.2f}x the bare boto3 client "
        f"(goal: at most {GOAL_RATIO}x): {verdict}"
    )
    if handler_imports and bare_imports:
        print()
        print(import_tables(handler_imports, bare_imports, args.top, args.profile_route))
    return 0 if ratio <= GOAL_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())

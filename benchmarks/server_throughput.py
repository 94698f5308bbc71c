"""Requests per second and latency of ``finance-agent serve`` against a bare Starlette app.

The servers run as subprocesses on loopback, each one uvicorn process with uvicorn's
defaults at log level info (so each writes an access log line per request):

- ``finance-agent serve``: the real command, as a user starts it, on a SQLite store in a
  temporary folder seeded with the demo data set. The request is ``GET /agent/tools/kpis``
  with a valid Bearer token, which the server verifies as API Gateway's JWT authorizer
  would, then runs the real handler: v2 event, use case, store read, response model, log.
- the same command with one change made by this script, not in src/: its listening socket
  re-opened so that asyncio sets TCP_NODELAY on the connections (see PATCHED_SERVE).
- a bare Starlette app whose one route returns a constant JSON body: the bytes the real
  route answered, so every server sends the same amount.

The load generator is pure Python (nothing to install): K threads, each with one keep-alive
HTTP/1.1 connection over a raw socket, sending the next request as soon as the last answer
is read (closed loop), for a fixed time after a warm-up. Every answer must be a 200. In each
round every server is driven once, a different one first each round; figures are medians
over the rounds and the ratio is the real route's requests per second over the bare
endpoint's (goal: at least 0.5). The servers' CPU time per request comes from
/proc/<pid>/stat (Linux). Last, the steps of the real route are timed one by one in a fresh
process on the same store, to show where the time goes (--no-breakdown skips it), and
--what-if adds servers that each switch off more of the real route's costs (WHAT_IF).

    python benchmarks/server_throughput.py [--rounds 7] [--seconds 3] [--connections 8]
    python benchmarks/server_throughput.py --what-if
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

PATH = "/agent/tools/kpis"
GOAL_RATIO = 0.5
# 64 bytes: long enough for HS512 too.
SECRET = "server-throughput-benchmark-secret-0123456789-abcdefghijklmnopqr"
START_TIMEOUT = 60.0

BARE_APP = """\
import sys
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

BODY = Path(sys.argv[2]).read_bytes()


async def kpis(request):
    return Response(BODY, media_type="application/json")


app = Starlette(routes=[Route("/agent/tools/kpis", kpis)])
uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="info")).run()
"""

# ``finance-agent serve`` with changes made here, not in src/. Always: the listening socket
# that uvicorn's Config.bind_socket() makes has proto 0, so asyncio does not set TCP_NODELAY
# on accepted connections (it checks proto == IPPROTO_TCP) and each answer, written as
# headers then body, waits for the client's delayed ACK (uvicorn issue #3149); re-opening
# the descriptor lets Python detect the protocol, IPPROTO_TCP. With --what-if, more servers
# each switch off one more cost, to measure what it takes side by side (not product code:
# the token cache below ignores expiry).
PATCHED_SERVE = """\
import os
import socket
import sys

import uvicorn

_bind_socket = uvicorn.Config.bind_socket


def bind_socket(self):
    return socket.socket(fileno=_bind_socket(self).detach())


uvicorn.Config.bind_socket = bind_socket

if os.environ.get("BENCH_NO_ACCESS_LOG"):
    _config_init = uvicorn.Config.__init__

    def config_init(self, *args, **kwargs):
        _config_init(self, *args, **{**kwargs, "access_log": False})

    uvicorn.Config.__init__ = config_init

if os.environ.get("BENCH_INLINE"):
    from finance_agent.adapters.local_server import app

    async def inline(function, *args):
        return function(*args)

    app.run_in_threadpool = inline

if os.environ.get("BENCH_TOKEN_CACHE"):
    from finance_agent.adapters.local_server import app

    _verify, _verified = app.verify_token, {}

    def verify_token(token):
        if token not in _verified:
            _verified[token] = _verify(token)
        return _verified[token]

    app.verify_token = verify_token

from finance_agent.cli import main

sys.exit(main(sys.argv[1:]))
"""
AGENT = "finance-agent serve"
AGENT_NODELAY = "finance-agent serve, listener fixed (TCP_NODELAY)"
BARE = "bare Starlette"
# --what-if: (name, the patches on top of the listener fix)
WHAT_IF: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("+ handler run on the event loop, no worker thread", ("BENCH_INLINE",)),
    ("+ no uvicorn access log (the handler logs each request)", ("BENCH_NO_ACCESS_LOG",)),
    ("+ verified tokens cached", ("BENCH_TOKEN_CACHE",)),
    ("+ all three", ("BENCH_INLINE", "BENCH_NO_ACCESS_LOG", "BENCH_TOKEN_CACHE")),
)


# The steps of one GET /agent/tools/kpis in the real server, each timed on its own in a
# fresh process on the same store (median of 9 repeats of n calls, microseconds per call).
BREAKDOWN = """\
import asyncio, json, statistics, sys, timeit, uuid

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from finance_agent.adapters.local_server.app import to_http
from finance_agent.adapters.local_server.events import LocalContext, build_event, claims_context
from finance_agent.bootstrap import get_repo
from finance_agent.domain.usecases.get_kpis import GetKPIsUC
from finance_agent.routes import find_route
from finance_agent.shared.auth import verify_token
from finance_agent.shared.log import configure_logging, logger

configure_logging(stream="stderr")  # as the CLI does: one JSON line per request, to the log
token = sys.argv[1]
route = find_route("GET", "/agent/tools/kpis")
handler = route.load_handler()
scope = {
    "type": "http", "method": "GET", "path": route.path, "raw_path": route.path.encode(),
    "query_string": b"", "scheme": "http", "http_version": "1.1",
    "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000),
    "headers": [(b"host", b"127.0.0.1:8000"), (b"authorization", f"Bearer {token}".encode()),
                (b"accept", b"application/json")],
}
claims = verify_token(token)


def event():
    built = build_event(Request(scope), b"", route.route_key, request_id=str(uuid.uuid4()))
    built["requestContext"]["authorizer"] = claims_context(claims)
    return built


ev = event()
result = handler(ev, LocalContext("bench"))
repo = get_repo()


async def hops(n):
    for _ in range(n):
        await run_in_threadpool(int)


steps = {
    "verify the Bearer token (PyJWT, as the JWT authorizer would)": lambda: verify_token(token),
    "build the v2 event and put the claims in it": event,
    "the Lambda handler, whole": lambda: handler(ev, LocalContext("bench")),
    "  its use case and SQLite read (GetKPIsUC)": lambda: GetKPIsUC(repo).execute("last_30d"),
    "  its one JSON log line (loguru)": lambda: logger.info("request served", status=200),
    "the v2 response as a Starlette response": lambda: to_http(result, "bench", None),
    "the hop to a worker thread and back (run_in_threadpool)": lambda: asyncio.run(hops(200)),
}
timings = {}
for name, step in steps.items():
    n = 1 if name.startswith("the hop") else 300
    step()
    runs = timeit.repeat(step, number=n, repeat=9)
    timings[name] = statistics.median(runs) / (200 if n == 1 else n) * 1e6
print(json.dumps(timings))
"""


# -- servers ---------------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def clean_env(extra: dict[str, str]) -> dict[str, str]:
    from finance_agent.shared.settings import Settings

    # A developer's configuration must not leak into the servers.
    settings_vars = {name.upper() for name in Settings.model_fields}
    env = {k: v for k, v in os.environ.items() if k.upper() not in settings_vars}
    env.pop("COVERAGE_PROCESS_START", None)
    env.update(extra)
    return env


def start(name: str, command: list[str], env: dict[str, str], folder: Path, port: int) -> Server:
    log = folder / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    server = Server(name, port, process, log)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:]
            raise SystemExit(f"{name} exited with {process.returncode}:\n{tail}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.1)
    server.stop()
    raise SystemExit(f"{name} did not listen within {START_TIMEOUT:.0f}s")


def seed_store(db_path: Path) -> None:
    from finance_agent.infra.sqlite_repo import SqliteRepo
    from finance_agent.shared import clock
    from finance_agent.shared.log import configure_logging
    from finance_agent.tools.seed_data import seed

    configure_logging("WARNING", stream="stderr")
    seed(SqliteRepo(db_path), today=clock.today(), currency="USD")


def make_token() -> str:
    from finance_agent.adapters.local_server.serve import mint_token
    from finance_agent.shared.settings import load_settings

    # The servers run with a clean environment: sign for exactly that configuration.
    settings = load_settings(
        jwt_secret=SECRET, jwt_algorithm="HS256", jwt_issuer=None, jwt_audience=None
    )
    return mint_token(settings)


# -- the load generator ----------------------------------------------------------------------


class Connection:
    """One keep-alive HTTP/1.1 connection; answers are read by Content-Length."""

    def __init__(self, port: int, request: bytes) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.request = request
        self.buffer = b""

    def exchange(self) -> tuple[int, bytes]:
        self.sock.sendall(self.request)
        while b"\r\n\r\n" not in self.buffer:
            self._read()
        head, _, rest = self.buffer.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
                break
        else:
            raise RuntimeError("answer without Content-Length")
        while len(rest) < length:
            rest += self._recv()
        self.buffer = rest[length:]
        return status, rest[:length]

    def _recv(self) -> bytes:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        return chunk

    def _read(self) -> None:
        self.buffer += self._recv()

    def close(self) -> None:
        self.sock.close()


def request_bytes(port: int, token: str) -> bytes:
    return (
        f"GET {PATH} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {token}\r\nAccept: application/json\r\n\r\n"
    ).encode()


@dataclass
class Load:
    requests: int
    seconds: float
    latencies: list[float]  # seconds
    failures: list[str] = field(default_factory=list)
    server_cpu: float | None = None  # seconds of CPU the server process used
    client_cpu: float = 0.0  # seconds of CPU this process (the load generator) used

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1e3


def process_cpu(pid: int) -> float | None:
    """User + system CPU seconds of a process, all threads (Linux; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def drive(
    port: int, token: str, connections: int, seconds: float, server_pid: int | None = None
) -> Load:
    """Closed-loop load on ``connections`` keep-alive connections for ``seconds``."""
    request = request_bytes(port, token)
    pool = [Connection(port, request) for _ in range(connections)]
    latencies: list[list[float]] = [[] for _ in pool]
    failures: list[str] = []
    start_gate = threading.Barrier(connections + 1)
    deadline = 0.0

    def worker(index: int) -> None:
        connection, mine = pool[index], latencies[index]
        clock = time.perf_counter
        start_gate.wait()
        try:
            while True:
                started = clock()
                if started >= deadline:
                    return
                status, _ = connection.exchange()
                mine.append(clock() - started)
                if status != 200:
                    failures.append(f"status {status}")
                    return
        except (OSError, RuntimeError, ValueError) as exc:
            failures.append(repr(exc))

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(connections)]
    for thread in threads:
        thread.start()
    cpu_before = process_cpu(server_pid) if server_pid else None
    client_before = time.process_time()
    began = time.perf_counter()
    deadline = began + seconds
    start_gate.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    client_cpu = time.process_time() - client_before
    cpu_after = process_cpu(server_pid) if server_pid else None
    for connection in pool:
        connection.close()
    flat = [value for per_connection in latencies for value in per_connection]
    server_cpu = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
    return Load(len(flat), elapsed, flat, failures, server_cpu, client_cpu)


# -- the run ---------------------------------------------------------------------------------


@dataclass
class Series:
    name: str
    loads: list[Load] = field(default_factory=list)

    def median(self, metric: str) -> float:
        values = [self._metric(load, metric) for load in self.loads]
        known = [value for value in values if value is not None]
        return statistics.median(known) if known else float("nan")

    @staticmethod
    def _metric(load: Load, metric: str) -> float | None:
        if metric == "rps":
            return load.rps
        if metric in ("p50", "p99"):
            return load.percentile(0.5 if metric == "p50" else 0.99)
        if metric == "server_us":  # server CPU per request
            return None if load.server_cpu is None else load.server_cpu / load.requests * 1e6
        if metric == "client_us":
            return load.client_cpu / load.requests * 1e6
        raise ValueError(metric)


def run(
    rounds: int,
    seconds: float,
    warmup: float,
    connections: int,
    with_breakdown: bool,
    what_if: bool,
) -> tuple[dict[str, Series], dict[str, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db_path = folder / "finance.db"
        seed_store(db_path)
        token = make_token()
        agent_port, bare_port = free_port(), free_port()
        agent_env = clean_env(
            {"SQLITE_PATH": str(db_path), "JWT_SECRET": SECRET, "PYTHONUNBUFFERED": "1"}
        )
        servers: list[Server] = []
        serve_args = ["serve", "--host", "127.0.0.1", "--port"]
        try:
            agent = start(
                AGENT,
                [sys.executable, "-m", "finance_agent.cli", *serve_args, str(agent_port)],
                agent_env,
                folder,
                agent_port,
            )
            servers.append(agent)
            probe = Connection(agent_port, request_bytes(agent_port, token))
            status, body = probe.exchange()
            probe.close()
            if status != 200:
                raise SystemExit(f"GET {PATH} answered {status}: {body[:500]!r}")
            body_file = folder / "body.json"
            body_file.write_bytes(body)
            command = [sys.executable, "-c", BARE_APP, str(bare_port), str(body_file)]
            bare = start("bare", command, clean_env({"PYTHONUNBUFFERED": "1"}), folder, bare_port)
            servers.append(bare)
            by_name = {BARE: bare, AGENT: agent}
            patched = [(AGENT_NODELAY, ())] + (list(WHAT_IF) if what_if else [])
            for number, (name, flags) in enumerate(patched):
                port = free_port()
                command = [sys.executable, "-c", PATCHED_SERVE, *serve_args, str(port)]
                env = agent_env | dict.fromkeys(flags, "1")
                by_name[name] = start(f"patched-{number}", command, env, folder, port)
                servers.append(by_name[name])
            results = {name: Series(name) for name in by_name}
            for server in by_name.values():  # warm-up: imports, caches, connections
                drive(server.port, token, connections, warmup)
            names = list(by_name)
            for round_number in range(rounds):
                shift = round_number % len(names)  # each server goes first in turn
                for name in names[shift:] + names[:shift]:
                    server = by_name[name]
                    load = drive(server.port, token, connections, seconds, server.process.pid)
                    if load.failures or not load.requests:
                        raise SystemExit(f"{name}: {load.failures[:3] or 'no answers'}")
                    results[name].loads.append(load)
                    print(
                        f"round {round_number + 1}/{rounds} {name}: {load.rps:.0f} req/s",
                        file=sys.stderr,
                    )
            print(f"{len(body)} bytes per answer", file=sys.stderr)
            breakdown = {}
            if with_breakdown:
                with (folder / "breakdown.log").open("wb") as log:
                    done = subprocess.run(
                        [sys.executable, "-c", BREAKDOWN, token],
                        env=agent_env,
                        stdout=subprocess.PIPE,
                        stderr=log,
                        check=True,
                    )
                breakdown = json.loads(done.stdout)
            return results, breakdown
        finally:
            for server in servers:
                server.stop()


def report(
    results: dict[str, Series], breakdown: dict[str, float], args: argparse.Namespace
) -> tuple[str, float]:
    bare = results[BARE]
    lines = [
        f"GET {PATH}: {args.rounds} rounds of {args.seconds:g} s per server (each server "
        f"first in turn), {args.connections} keep-alive connections, closed loop; medians "
        f"over the rounds; Python {sys.version.split()[0]}, {os.cpu_count()} CPUs",
        "",
        "| server | requests/s | p50 latency (ms) | p99 latency (ms) "
        "| ratio to bare (req/s) | per-round ratios | server CPU per request (µs) "
        "| load generator CPU per request (µs) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for series in results.values():
        paired = [a.rps / b.rps for a, b in zip(series.loads, bare.loads, strict=True)]
        lines.append(
            f"| {series.name} | {series.median('rps'):.0f} | {series.median('p50'):.2f} "
            f"| {series.median('p99'):.2f} | {series.median('rps') / bare.median('rps'):.2f} "
            f"| {min(paired):.2f} to {max(paired):.2f} | {series.median('server_us'):.0f} "
            f"| {series.median('client_us'):.0f} |"
        )
    ratio = results[AGENT].median("rps") / bare.median("rps")
    fixed = results[AGENT_NODELAY].median("rps") / bare.median("rps")
    verdict = "met" if ratio >= GOAL_RATIO else "NOT met"
    lines += [
        "",
        f"{AGENT}: ratio {ratio:.2f}, goal at least {GOAL_RATIO}: {verdict} "
        f"(with the listener fixed: {fixed:.2f})",
    ]
    if breakdown:
        extra = results[AGENT_NODELAY].median("server_us") - bare.median("server_us")
        lines += [
            "",
            "What one request costs the real server beyond the bare endpoint "
            f"(server CPU per request, listener fixed minus bare: {extra:.0f} µs), step by step, "
            "each step timed alone in a fresh process on the same store (median of 9 repeats):",
            "",
            "| step | µs per call |",
            "|---|---:|",
        ]
        lines += [f"| {name} | {cost:.0f} |" for name, cost in breakdown.items()]
    return "\n".join(lines), ratio


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=3.0, help="per server per round")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds per server")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--no-breakdown", action="store_true", help="skip timing the real route's steps"
    )
    parser.add_argument(
        "--what-if", action="store_true", help="also servers with costs switched off (WHAT_IF)"
    )
    args = parser.parse_args(argv)
    results, breakdown = run(
        args.rounds,
        args.seconds,
        args.warmup,
        args.connections,
        not args.no_breakdown,
        args.what_if,
    )
    text, ratio = report(results, breakdown, args)
    print(text)
    return 0 if ratio >= GOAL_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())

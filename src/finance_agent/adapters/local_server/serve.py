"""``finance-agent serve``: the product on one machine, ready to try.

Before serving it makes sure there is a JWT secret (one made for this run when JWT_SECRET
is unset), that the embedded SQLite store holds current demo data (seeded when empty, moved
to today when it is the demo data set and its sales stop before today), and prints the URL,
a token and curl commands that work as printed. A DynamoDB table is never written to: it may
be a real deployment's, and ``finance-agent seed`` fills one on purpose.
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import os
import secrets
import shlex
import socket
from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from finance_agent.bootstrap import get_ledger, get_repo
from finance_agent.domain.ledger.ports import LedgerRepository
from finance_agent.domain.ports import FinanceRepository
from finance_agent.shared import clock
from finance_agent.shared.auth import ACTIONS_SCOPE
from finance_agent.shared.settings import Settings, get_settings

if TYPE_CHECKING:
    from finance_agent.tools.seeding import SeedReport

# The seed tool's first sample action: its presence marks the store as the demo data set.
DEMO_MARKER_ACTION = "action-001"
TOKEN_LIFETIME = timedelta(days=1)
LOCAL_SUBJECT = "local-user"
LOCAL_EMAIL = "local@finance-agent.local"
Progress = Callable[[str], object]


def _say(line: str = "") -> None:
    print(line, flush=True)


def ensure_jwt_secret() -> bool:
    """Make a JWT secret for this run when none is configured; True when one was made.

    It goes where settings read it from (the JWT_SECRET variable of this process), so the
    settings stay the one reader of the configuration and every check uses the same secret.
    """
    if get_settings().jwt_secret is not None:
        return False
    os.environ["JWT_SECRET"] = secrets.token_urlsafe(32)
    get_settings.cache_clear()
    return True


def prepare_store(
    repo: FinanceRepository, today: date, progress: Progress = _say
) -> SeedReport | None:
    """Seed an empty store, or move the demo data set to ``today``; None when left alone."""
    from finance_agent.tools.seeding import seed

    latest = repo.latest_sales_date()
    if latest is None:
        progress("The store is empty: writing the demo data set...")
    elif latest < today and repo.get_agent_action(DEMO_MARKER_ACTION) is not None:
        progress(f"The demo data ends {latest.isoformat()}: extending it to {today.isoformat()}...")
    else:
        return None
    return seed(repo, today=today, progress=lambda line: progress(f"  {line}"))


def not_seeded_note(settings: Settings) -> str:
    """The one line serve prints instead of touching a DynamoDB table."""
    return (
        f"The DynamoDB table {settings.table_name} is not seeded: serve writes demo data only "
        "into the embedded SQLite store; `finance-agent seed` does it on purpose."
    )


def prepare_demo_store(
    settings: Settings, repo: FinanceRepository, today: date, progress: Progress = _say
) -> SeedReport | None:
    """``prepare_store`` for the embedded SQLite store only; any other store is left alone."""
    if settings.store_kind != "sqlite":
        progress(not_seeded_note(settings))
        return None
    return prepare_store(repo, today, progress)


def mint_token(settings: Settings, lifetime: timedelta = TOKEN_LIFETIME) -> str:
    """A token for the local user with the ``agent:actions`` scope, signed with JWT_SECRET."""
    import jwt

    if settings.jwt_secret is None:
        raise ValueError("no JWT secret to sign with")
    now = clock.now_utc()
    claims: dict[str, object] = {
        "sub": LOCAL_SUBJECT,
        "email": LOCAL_EMAIL,
        "email_verified": True,  # the only email the identity is taken from
        "scope": ACTIONS_SCOPE,
        "iat": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
    }
    if settings.jwt_issuer:
        claims["iss"] = settings.jwt_issuer
    if settings.jwt_audience:
        claims["aud"] = settings.jwt_audience
    secret = settings.jwt_secret.get_secret_value()
    return jwt.encode(claims, secret, algorithm=settings.jwt_algorithm)


# Addresses that mean "every interface of this machine".
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})  # noqa: S104
# Documentation addresses (RFC 5737, RFC 3849): connecting a UDP socket sends nothing.
_PROBE = {socket.AF_INET: "192.0.2.1", socket.AF_INET6: "2001:db8::1"}


def is_loopback(host: str) -> bool:
    """True when only this machine can reach ``host`` (an address or ``localhost``)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name of this machine: others may resolve it too


def machine_address(ipv6: bool = False) -> str:
    """This machine's address on the network its default route leads to (its host name when
    there is none), as other machines would reach a server bound to every interface."""
    family = socket.AF_INET6 if ipv6 else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as probe:
            probe.connect((_PROBE[family], 9))
            return str(probe.getsockname()[0])
    except OSError:
        return socket.gethostname()


def public_url(host: str, port: int, machine: Callable[[bool], str] = machine_address) -> str:
    """The URL to print: the host given, or for a wildcard bind this machine's address."""
    shown = machine(host == "::") if host in WILDCARD_HOSTS else host
    return f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"


def exposure_warning(host: str, settings: Settings) -> str | None:
    """One line when the server is reachable from other machines; None on loopback."""
    if is_loopback(host):
        return None
    cors = " and CORS allows any origin" if "*" in settings.cors_origins else ""
    return (
        f"Warning: listening on {host or 'every interface'}, reachable from other machines over "
        f"plain HTTP: the token below travels unencrypted{cors}. "
        "Use --host 127.0.0.1 unless you mean it."
    )


def web_link(url: str, token: str) -> str:
    """The web page's address with the token in the fragment, which browsers never send."""
    return f"{url}/#token={token}"


def _reminder_customer(ledger: LedgerRepository) -> str | None:
    """The customer owing the most overdue money today, from the books (None: nobody owes
    anything past due, so no reminder example would work)."""
    from finance_agent.domain.usecases.ledger_aging import AgingAsOfUC

    overdue = AgingAsOfUC(ledger).execute(min_days_overdue=1).customers
    return overdue[0].customer_id if overdue else None


def curl_examples(url: str, customer_id: str | None) -> list[str]:
    # -w adds the newline JSON bodies lack, so the next prompt starts on its own line.
    auth = "-w '\\n' -H \"Authorization: Bearer $TOKEN\""
    lines = [
        f"curl -s {auth} {shlex.quote(url + '/agent/tools/kpis?period=last_30d')}",
        f"curl -s {auth} {shlex.quote(url + '/agent/tools/anomalies?period=last_60d')}",
    ]
    if customer_id is not None:
        body = f'{{"customer_id": "{customer_id}"}}'
        lines.append(
            f"curl -s -X POST {auth} -H 'Content-Type: application/json'"
            f" -H 'Idempotency-Key: demo-reminder-1' -d {shlex.quote(body)}"
            f" {shlex.quote(url + '/agent/actions/collection-reminder')}"
        )
    return lines


def banner(
    url: str,
    settings: Settings,
    token: str,
    generated: bool,
    customer_id: str | None,
    warning: str | None = None,
) -> str:
    hours = int(TOKEN_LIFETIME.total_seconds() // 3600)
    if generated:
        origin = "No JWT_SECRET is set, so this run made one: tokens end with the server."
    else:
        origin = "Tokens are verified with your JWT_SECRET."
    lines = [
        "",
        f"finance-agent API: {url}",
        *([warning] if warning else []),
        f"  store: {settings.store_kind}"
        + (f" ({settings.sqlite_file})" if settings.store_kind == "sqlite" else ""),
        f"  OpenAPI document: {url}/openapi.json",
        "",
        "Open the web page with this link; it signs you in (the token after # stays in the",
        "browser tab and is never sent to the server in the address):",
        "",
        f"  {web_link(url, token)}",
        "",
        f"Every route needs 'Authorization: Bearer <token>' ({settings.jwt_algorithm}). {origin}",
        f"A token for {LOCAL_EMAIL} with the {ACTIONS_SCOPE} scope, valid {hours} hours:",
        "",
        f"  export TOKEN={shlex.quote(token)}",
        "",
        "Try:",
        *(f"  {line}" for line in curl_examples(url, customer_id)),
        "",
    ]
    return "\n".join(lines)


class ListenError(Exception):
    """The address to serve on cannot be used; the message names it and what to try."""


def listen_socket(host: str, port: int) -> socket.socket:
    """The bound socket uvicorn's ``bind_socket`` makes, failing with a ListenError that
    names the address instead of logging the bare OS error and exiting."""
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family=family)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        in_use = exc.errno in (errno.EADDRINUSE, errno.EACCES)
        hint = (
            "choose another port with --port, or --port 0 for any free one"
            if in_use
            else "check --host: it must be an address or name of this machine"
        )
        raise ListenError(f"cannot listen on {where}: {exc.strerror or exc}; {hint}") from exc
    sock.set_inheritable(True)
    return sock


def run_server(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Prepare secret and store, print how to use the API, and serve until interrupted.

    The address is taken first, so a port in use fails at once, before any seeding.
    """
    import uvicorn

    from finance_agent.adapters.local_server.app import create_app

    # A socket made by hand reports protocol 0, so asyncio would not set TCP_NODELAY on
    # accepted connections and each reused connection would wait ~40 ms for a delayed ACK;
    # re-wrapping the descriptor lets the socket module read the real protocol (see
    # benchmarks/server_throughput.py).
    sock = socket.socket(fileno=listen_socket(host, port).detach())
    generated = ensure_jwt_secret()
    settings = get_settings()
    repo = get_repo()
    prepare_demo_store(settings, repo, clock.today())
    config = uvicorn.Config(
        create_app(),
        host=host,
        port=port,
        log_level=settings.log_level.lower(),
        # Every request is already logged as a JSON line by the handler that serves it.
        access_log=False,
    )
    url = public_url(host, int(sock.getsockname()[1]))
    token = mint_token(settings)
    warning = exposure_warning(host, settings)
    _say(banner(url, settings, token, generated, _reminder_customer(get_ledger()), warning))
    # On Ctrl+C uvicorn shuts down cleanly, then re-raises the signal: no traceback for that.
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.Server(config).run(sockets=[sock])
    _say("Server stopped.")

"""moto's server mode, applying one request at a time.

DynamoDB applies each conditional write atomically; moto's threaded server runs requests
side by side on one in-memory table, so two concurrent PutItems conditioned on
``attribute_not_exists(pk)`` can both succeed there. The tests that race writes (idempotency
claims, the same reminder sent at once) would then test moto's race instead of ours. This is
``moto_server`` with a lock around each request: still a DynamoDB-compatible server over
real HTTP, with keep-alive, as boto3 sees it.

    python tests/moto_atomic_server.py -H 127.0.0.1 -p PORT
"""

from __future__ import annotations

import argparse
import threading
from collections.abc import Callable, Iterable
from typing import Any

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple


def serialised(app: Callable[..., Iterable[bytes]]) -> Callable[..., list[bytes]]:
    lock = threading.Lock()

    def one_at_a_time(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with lock:
            return list(app(environ, start_response))  # the whole answer inside the lock

    return one_at_a_time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, required=True)
    args = parser.parse_args()
    app = serialised(DomainDispatcherApplication(create_backend_app))
    run_simple(args.host, args.port, app, threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()

"""A local DynamoDB-compatible endpoint for the benchmarks: moto's server on a free port.

The tests have their own fixture for it (tests/dynamo_fixtures.py); benchmarks run as plain
scripts (``python benchmarks/<name>.py``), so they import this module from beside them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

# Dummy credentials, no config files, no instance metadata: nothing can reach real AWS.
FAKE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}


def start_moto_server() -> tuple[str, subprocess.Popen[bytes]]:
    """Start ``moto_server`` on a free loopback port; its URL once it answers HTTP."""
    beside = Path(sys.executable).parent / "moto_server"
    command = str(beside) if beside.exists() else shutil.which("moto_server")
    if command is None:
        sys.exit("moto_server not found: pip install 'moto[server,dynamodb]'")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [command, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=os.environ | FAKE_AWS_ENV,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"moto_server exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/moto-api/", timeout=1):
                return url, process
        except urllib.error.HTTPError:
            return url, process  # it answered HTTP, whatever the status
        except OSError:
            time.sleep(0.1)
    stop(process)
    sys.exit("moto_server did not start")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)

from __future__ import annotations

import json

import pytest

from finance_agent.shared.log import configure_logging, logger


def _lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_logs_are_json_lines_on_stdout_with_bound_context(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("INFO")
    logger.bind(request_id="req-1", route="GET /agent/tools/kpis").info("served")
    (entry,) = _lines(capsys.readouterr().out)
    assert entry["message"] == "served"
    assert entry["level"] == "INFO"
    assert entry["request_id"] == "req-1"
    assert entry["route"] == "GET /agent/tools/kpis"
    assert "timestamp" in entry


def test_level_filters_lower_messages(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("WARNING")
    logger.info("hidden")
    logger.warning("shown")
    assert [e["message"] for e in _lines(capsys.readouterr().out)] == ["shown"]
    configure_logging("INFO")


def test_level_comes_from_log_level_setting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LOG_LEVEL", "ERROR")
    configure_logging()
    logger.warning("hidden")
    logger.error("shown")
    assert [e["message"] for e in _lines(capsys.readouterr().out)] == ["shown"]
    configure_logging("INFO")


def test_a_bad_log_level_does_not_break_import_time_setup(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LOG_LEVEL", "LOUD")
    configure_logging()
    logger.info("still logging")
    assert _lines(capsys.readouterr().out)[0]["message"] == "still logging"


def test_exceptions_carry_their_traceback_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logger.exception("failed")
    (entry,) = _lines(capsys.readouterr().out)
    assert entry["message"] == "failed"
    assert "RuntimeError: boom" in str(entry["exception"])


def test_stderr_stream_keeps_stdout_clean(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", stream="stderr")
    logger.info("to stderr")
    captured = capsys.readouterr()
    assert captured.out == ""
    assert _lines(captured.err)[0]["message"] == "to stderr"
    configure_logging("INFO")


def test_reserved_names_in_context_do_not_overwrite_fields(
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("INFO")
    logger.bind(message="other", level="x").info("real")
    (entry,) = _lines(capsys.readouterr().out)
    assert entry["message"] == "real"
    assert entry["extra_message"] == "other"

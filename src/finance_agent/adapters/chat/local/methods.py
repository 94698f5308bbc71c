"""The forecast or anomaly method a question names ("using holt winters", "with zscore"):
used as said, else the chat's own choice. Pure text work."""

from __future__ import annotations

import re

from finance_agent.adapters.chat.types import CHAT_METHODS

# The chat chooses for the user: the methods every chat provider uses (one table of them).
CHAT_FORECAST_METHOD = CHAT_METHODS["cashflow_forecast"]
CHAT_ANOMALY_METHOD = CHAT_METHODS["detect_anomalies"]

_FORECAST = {
    r"holt[\s_-]*winters?": "holt_winters",
    r"seasonal[\s_-]*naive": "seasonal_naive",
    r"sma|simple moving average|moving average": "sma",
    r"auto": "auto",
}
_ANOMALY = {r"z[\s_-]*scores?": "zscore", r"robust|mad|median": "robust"}
_NAMING = r"\b(?:using|with|by|via|method|the)\s+(?:the\s+)?(?:{})\b"


def _named(text: str, methods: dict[str, str], default: str) -> str:
    for pattern, method in methods.items():
        if re.search(_NAMING.format(pattern), text) or re.search(rf"\b{pattern}\s+method\b", text):
            return method
    return default


def forecast_method(text: str) -> str:
    return _named(text, _FORECAST, CHAT_FORECAST_METHOD)


def anomaly_method(text: str) -> str:
    return _named(text, _ANOMALY, CHAT_ANOMALY_METHOD)

"""The calendar period a question about figures names, read one way only: relative to
today ("last month"), a quarter, days by name or number, months and years. Words that look
like a period but cannot be read as one are said back, never replaced by a default."""

from __future__ import annotations

import re
from datetime import date

from finance_agent.adapters.chat.local.dates import spans
from finance_agent.adapters.chat.local.dates.calendar import Dates, iso_dates, parse_dates
from finance_agent.adapters.chat.local.dates.days import named_days, quarter, relative
from finance_agent.shared import clock

_PERIODISH = (
    r"\b(?:on|since|between|from|until|till|during|in|for|before|after)\s+"
    r"(?:the\s+)?(?:last\s+|next\s+|this\s+|previous\s+)?"
    r"(?:\d[\w/.-]*|q\d\w*|(?:mon|tues|wednes|thurs|fri|satur|sun)day|"
    r"(?:jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)[a-z]*|weekend|end|start|beginning|"
    r"quarter|half|h[12])\b(?:\s+\S+){0,2}"
)


def read_period(text: str, today: date, ahead: bool = False) -> Dates | str | None:
    """The period a normalized message names; a sentence saying why a date it gives cannot
    be read; or None when it names no calendar period."""
    if (said := relative(text, today)) is not None:
        return said
    if (said := quarter(text, today, ahead)) is not None:
        return said
    days = named_days(text, today, ahead)
    if isinstance(days, str):
        return days
    if days:
        days = sorted([*days, *iso_dates(text)])
        if len(days) >= 2:
            return Dates(days[0], days[-1], f"{days[0]} to {days[-1]}")
        if re.search(r"\b(?:since|from|after|starting)\b", text) and days[0] <= today:
            return Dates(days[0], today, f"{days[0]} to {today}")
        return Dates(days[0], days[0], days[0].isoformat())
    return parse_dates(text, today, ahead)


def unread_period(text: str) -> str | None:
    """Words that look like a period in a message nothing could read a period from ("since
    the big launch" is not; "since last tuesday week" is), said back to the user."""
    if spans.parse_span(text, clock.today()) is not None or spans.mentions_yesterday(text):
        return None
    m = re.search(_PERIODISH, text) or re.search(
        r"\b(?:since|between|until|till)\b(?:\s+\S+){1,3}", text
    )
    if m is None:
        return None
    words = m.group(0).strip(" ?.!,")
    return (
        f'I could not read "{words}" as a period, so I give no figure for it rather than '
        'another period\'s. Name it as e.g. "revenue on 2026-10-16", "revenue from '
        '2026-10-01 to 2026-10-15", "revenue in October", "revenue in Q3 2026" or "revenue '
        'in the last 30 days".'
    )

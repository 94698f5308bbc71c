"""The question in plain words: lower case, numbers in words as digits ("forty-five" ->
"45"), "a week" -> "1 week". Every reader of a message works on this form. Pure text work."""

from __future__ import annotations

import re

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_NUMBER_WORD = "|".join([*sorted(_UNITS, key=len, reverse=True), "hundred"])
_NUMBER_PHRASE = re.compile(rf"\b(?:{_NUMBER_WORD})(?:(?:[\s-]+|\s+and\s+)(?:{_NUMBER_WORD}))*\b")


def _words_to_number(phrase: str) -> int:
    total = 0
    for word in re.split(r"[\s-]+", phrase):
        if word == "hundred":
            total = (total or 1) * 100
        elif word in _UNITS:
            total += _UNITS[word]
    return total


def normalize(text: str) -> str:
    """Lower case, numbers in words as digits ("forty-five" -> "45"), "a week" -> "1 week"."""
    text = text.lower().replace("\u2019", "'")
    text = re.sub(r"\ba couple of\b", "2", text)
    text = re.sub(r"\bhalf (?:a )?year\b", "6 months", text)
    text = re.sub(r"\b(?:a|an)\s+(?=(?:day|week|fortnight|month|quarter|year)\b)", "1 ", text)
    return _NUMBER_PHRASE.sub(lambda m: str(_words_to_number(m.group(0))), text)

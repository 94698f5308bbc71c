"""The local assistant: offline, deterministic, no model. Where it decides what:

- ``provider``: reads a message, picks the answer, remembers the turn;
- understanding the question: ``words`` (plain words, numbers as digits), ``intents``
  (its topic), ``requests`` (a request to act, and who it names), ``methods`` (a method
  named), ``followups`` (what a message with no topic or period of its own continues);
- reading dates and periods: ``dates/``;
- the answers: ``answers/`` (KPIs, the cash outlook, a calendar period's figures,
  comparisons, unusual days, what customers owe, recorded actions);
- acting: ``commands`` (the one form of words that records a reminder), ``reminders``;
- ``tools`` (the routes it calls, as the caller), ``session`` (the session's turns),
  ``format`` (how figures are said), ``replies`` (help, refusals).
"""

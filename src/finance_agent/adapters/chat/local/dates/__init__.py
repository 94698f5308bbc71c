"""How the local assistant reads dates and periods, pure text work:

- ``spans``: rolling periods in days ("the last two weeks", "this month so far");
- ``calendar``: the ``Dates`` of a calendar period, ISO dates, months and years;
- ``days``: days by name or number ("20 Nov", "11/20/2026"), quarters, and periods
  relative to today ("last month", "since Monday");
- ``periods``: the one calendar period a question about figures names, read one way only;
- ``when``: the day a reminder is for.
"""

"""The local assistant's answers, one module per kind: ``kpis``, ``cashflow`` (the outlook),
``period_figures`` (a calendar period's sales or forecast), ``compare`` (two periods),
``unusual`` (unusual days), ``overdue`` (what customers owe), ``actions`` (what was
recorded), and ``customers`` (finding the customer a question names)."""

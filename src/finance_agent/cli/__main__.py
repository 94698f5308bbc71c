"""``python -m finance_agent.cli``: the ``finance-agent`` command."""

from finance_agent.cli.program import main

raise SystemExit(main())

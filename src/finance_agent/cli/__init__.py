"""The ``finance-agent`` command: the use cases from a terminal, seeding and store setup.

``program.py`` gathers the subcommands, one module per area (figures, actions, store,
serving, artifacts); a new area of commands is a new module added there. ``flags.py``
parses what the user typed, ``tables.py`` renders results, ``console.py`` prints them.
"""

from finance_agent.cli.console import EXIT_BROKEN_PIPE, EXIT_FAILURE, EXIT_USAGE
from finance_agent.cli.program import build_parser, main

__all__ = ["EXIT_BROKEN_PIPE", "EXIT_FAILURE", "EXIT_USAGE", "build_parser", "main"]

"""finance-agent: the backend of a finance-operations AI agent."""

__version__ = "0.1.0"

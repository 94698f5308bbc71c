"""Handlers of the figures the business runs on: KPIs, daily sales, the cash-flow forecast and
unusual sales days."""

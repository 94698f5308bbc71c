"""Handlers of what customers owe: receivables aging and the invoice list."""

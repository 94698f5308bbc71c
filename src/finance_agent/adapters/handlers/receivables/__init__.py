"""Handlers of what customers owe: receivables aging."""

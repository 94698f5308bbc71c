"""Handlers of the action log: collection reminders recorded, actions listed."""

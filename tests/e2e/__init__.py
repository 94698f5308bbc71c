"""End-to-end tests: the real local server over HTTP."""

"""The chat's handler: a message in, the provider's answer out."""

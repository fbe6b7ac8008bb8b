"""Debtor simulation: personas, scenarios, the debtor engine, backends, sessions and the CLI."""

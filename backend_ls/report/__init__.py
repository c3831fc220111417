"""CLI output formats."""

"""Performance checks."""

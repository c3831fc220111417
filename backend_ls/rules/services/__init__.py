"""Service architecture checks."""

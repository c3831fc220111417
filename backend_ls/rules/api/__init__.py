"""REST API design checks."""

"""Database design checks."""

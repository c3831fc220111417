"""Conversions between the engine's findings and LSP types."""

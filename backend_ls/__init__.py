"""backend-ls: architecture-level feedback for Python backends."""

__version__ = "0.1.0"

"""The checks, one module per check, each with its Markdown document beside it."""

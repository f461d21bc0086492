"""The public feature."""

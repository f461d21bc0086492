"""The needs feature."""

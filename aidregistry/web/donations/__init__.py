"""The donations feature."""

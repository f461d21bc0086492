"""The account feature."""

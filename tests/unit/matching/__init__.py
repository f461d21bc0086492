"""Unit tests of the matcher: rules, optimality against brute force and references."""

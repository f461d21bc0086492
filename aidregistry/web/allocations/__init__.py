"""Allocations: the donor pledges, the recipient sees what is coming."""

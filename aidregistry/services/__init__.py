"""The operations of the registry: each takes a database session, flushes, never commits."""

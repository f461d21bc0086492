"""AidRegistry: a registry where the in-kind aid of a crisis is recorded, matched and shown.

The application factory lives in :mod:`aidregistry.app`; importing this package loads
nothing else, so the pure domain (``aidregistry.domain``) stays cheap to import.
"""

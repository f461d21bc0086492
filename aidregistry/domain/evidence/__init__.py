"""Quality as evidence: certificate numbers, notified bodies, makers' names, dated
authorisation lists and the verification states of a certificate.

Pure values and rules (no Flask, no SQLAlchemy): the services store what these decide, the
matcher asks :func:`~aidregistry.domain.evidence.states.counts_for_matching` which
certificates count on a planning date.
"""

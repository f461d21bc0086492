"""Bulk import of donations and needs from CSV and XLSX: preview every error, then all or nothing.

``reading`` turns a file into numbered rows (and refuses malformed CSV that Python's csv
module would silently accept); ``columns`` names the fields and makes templates; ``rows``
turns cells into the record services' inputs; ``run`` previews and commits.
"""

from aidregistry.services.imports.columns import ImportKind
from aidregistry.services.imports.run import ImportReport, RowError, commit, preview

__all__ = ["ImportKind", "ImportReport", "RowError", "commit", "preview"]

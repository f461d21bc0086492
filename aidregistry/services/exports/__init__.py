"""Open-data exports of public records: CSV, XLSX, HXL, GeoJSON, IATI XML and a JSON dump.

Only verified organisations' records are exported, never contact details. ``datasets``
says which columns each table has (and their HXL hashtags); ``tabular`` writes them,
neutralising cells a spreadsheet would run as formulas; ``geo``, ``iati`` and ``dump``
write the other formats.
"""

"""Writing a report folder: workbook, findings.csv, manifest, Data Docs, executed notebook.

Everything is written into a staging folder beside the target and renamed into place at the end
(:mod:`zimes_audit.report.folder`), so a failed run leaves nothing half-written behind.
"""

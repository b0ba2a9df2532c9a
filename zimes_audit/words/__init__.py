"""Every word a person reads, as data: ``data/labels.toml`` (Latvian and English), read through
:mod:`.labels`, numbers agreeing with their words by :mod:`.plural`.

A stage of its own before all others: errors, progress lines, loading's notes, the workbook,
the pages and the console all speak through it.
"""

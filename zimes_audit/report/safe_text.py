"""Neutralising spreadsheet formula injection (OWASP "CSV injection").

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return could be taken
for a formula by a spreadsheet program.  The workbook writes such text as a text cell carrying
Excel's *quote prefix* (the cell style that means "this is text, never a formula", shown and
edited without the apostrophe): the administrator sees the value exactly as it is, and no program
evaluates it, not even after the cell is edited.

>>> is_formula_like('=HYPERLINK("http://x","y")'), is_formula_like("+371 22345678")
(True, True)
>>> is_formula_like("Jānis Bērziņš")
False
"""

from __future__ import annotations

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(text: str) -> bool:
    return text.startswith(DANGEROUS_STARTS)

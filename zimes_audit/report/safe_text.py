"""Neutralising spreadsheet formula injection (OWASP "CSV injection").

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return could be evaluated
by a spreadsheet program; such text is written with a leading apostrophe, as text.

>>> neutralise('=HYPERLINK("http://x","y")')
'\\'=HYPERLINK("http://x","y")'
>>> neutralise("Jānis Bērziņš")
'Jānis Bērziņš'
"""

from __future__ import annotations

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    return "'" + text if text.startswith(DANGEROUS_STARTS) else text

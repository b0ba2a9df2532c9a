"""Neutralising spreadsheet formula injection (OWASP "CSV injection").

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, tab or carriage return could be taken
for a formula by a spreadsheet program.  Every output a spreadsheet opens goes through this module:

* the workbook writes such text as a text cell carrying Excel's *quote prefix* (the cell style
  that means "this is text, never a formula", shown and edited without the apostrophe);
* ``findings.csv`` — plain text, so no cell style — gets OWASP's remedy: :func:`neutralise`
  puts an apostrophe in front (a spreadsheet shows the text and evaluates nothing).  A text that
  already starts with an apostrophe gets one more, so :func:`restore` gives back exactly the
  original when the audit reads an earlier ``findings.csv``.

>>> is_formula_like('=HYPERLINK("http://x","y")'), is_formula_like("+371 22345678")
(True, True)
>>> is_formula_like("Jānis Bērziņš")
False
>>> neutralise("=cmd|' /C calc'!A0"), neutralise("@SUM(A1)"), neutralise("orders.csv")
("'=cmd|' /C calc'!A0", "'@SUM(A1)", 'orders.csv')
>>> all(restore(neutralise(t)) == t for t in ["=1+1", "'=1", "'", "plain", "\\t=1", ""])
True
"""

from __future__ import annotations

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def is_formula_like(text: str) -> bool:
    return text.startswith(DANGEROUS_STARTS)


def neutralise(text: str) -> str:
    """``text`` made inert for a CSV a spreadsheet opens (reversible with :func:`restore`)."""
    return QUOTE + text if text.startswith((*DANGEROUS_STARTS, QUOTE)) else text


def restore(text: str) -> str:
    """The original of a :func:`neutralise`-d text."""
    return text[1:] if text.startswith(QUOTE) else text


def neutralise_column(values):
    """A text column through :func:`neutralise`, vectorised (missing values stay missing).

    >>> import pandas as pd
    >>> neutralise_column(pd.Series(["=1+1", "ok", None, "'x"])).tolist()
    ["'=1+1", 'ok', <NA>, "''x"]
    """
    text = values.astype("string")
    risky = text.str.startswith((*DANGEROUS_STARTS, QUOTE)).fillna(False)
    return text.where(~risky, QUOTE + text)


def restore_column(values):
    """A column of :func:`neutralise`-d texts back to the originals, vectorised.

    >>> import pandas as pd
    >>> restore_column(neutralise_column(pd.Series(["=1+1", "ok", "'x"]))).tolist()
    ['=1+1', 'ok', "'x"]
    """
    text = values.astype("string")
    quoted = text.str.startswith(QUOTE).fillna(False)
    return text.where(~quoted, text.str.slice(1))

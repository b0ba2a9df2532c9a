"""Date arithmetic of the procedure's terms (§10), vectorised.

Dates are compared as calendar dates.  "N years after D" is D with its year increased by N
(29 February → 28 February); a term *has passed* when the audit date is strictly after that day.

>>> import pandas as pd
>>> ends = pd.Series(pd.to_datetime(["2020-02-29", "2021-03-10", None]))
>>> term_passed(ends, "2026-03-10", 5).tolist()
[True, False, False]
>>> term_passed(ends, "2026-03-11", 5).tolist()
[True, True, False]
>>> on_or_before(pd.Series(pd.to_datetime(["2026-03-10 18:00", "2026-03-11"], format="ISO8601")), "2026-03-10").tolist()
[True, False]
"""

from __future__ import annotations

import pandas as pd


def _dates(column: pd.Series) -> pd.Series:
    return pd.to_datetime(column, errors="coerce").dt.normalize()


def term_passed(column: pd.Series, as_of: object, years: int) -> pd.Series:
    """Mask: ``years`` after the date have passed as of ``as_of``.  Missing dates are ``False``."""
    due = _dates(column) + pd.DateOffset(years=int(years))
    return (due < pd.Timestamp(as_of).normalize()).fillna(False).astype(bool)


def on_or_before(column: pd.Series, as_of: object) -> pd.Series:
    """Mask: the date is on or before ``as_of``.  Missing dates are ``False``."""
    return (_dates(column) <= pd.Timestamp(as_of).normalize()).fillna(False).astype(bool)

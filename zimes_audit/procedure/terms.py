"""Date arithmetic of the procedure's terms (§10), vectorised — the one place it is written.

Dates are compared as calendar dates.  "N years after D" is D with its year increased by N
(29 February → 28 February); a term *has passed* when the audit date is strictly after that day,
that is from the day after it (:func:`passes_on`).  The expectations (retention, inactivity, the
accounting hold), the charts (cut-off, deletions falling due) and the procedure gaps all use
these functions.

>>> import pandas as pd
>>> ends = pd.Series(pd.to_datetime(["2020-02-29", "2021-03-10", None]))
>>> term_passed(ends, "2026-03-10", 5).tolist()
[True, False, False]
>>> term_passed(ends, "2026-03-11", 5).tolist()
[True, True, False]
>>> [str(d.date()) for d in passes_on(ends, 5)[:2]]
['2025-03-01', '2026-03-11']
>>> on_or_before(pd.Series(pd.to_datetime(["2026-03-10 18:00", "2026-03-11"], format="ISO8601")), "2026-03-10").tolist()
[True, False]
>>> in_accounting_hold(pd.Series(pd.to_datetime(["2026-11-02", "2024-05-01", "2021-10-31"])), "2026-11-01", 5).tolist()
[False, True, False]
>>> retention_cutoff("2026-11-01", 5)
datetime.date(2021, 11, 1)
"""

from __future__ import annotations

from datetime import date

import pandas as pd


def calendar_dates(column: pd.Series) -> pd.Series:
    """The column as calendar dates (time of day dropped); what is not a date becomes NaT."""
    return pd.to_datetime(column, errors="coerce").dt.normalize()


def years_after(column: pd.Series, years: int) -> pd.Series:
    """Each date ``years`` later (the last day of the term)."""
    return calendar_dates(column) + pd.DateOffset(years=int(years))


def passes_on(column: pd.Series, years: int) -> pd.Series:
    """The first day on which ``years`` after each date have passed."""
    return years_after(column, years) + pd.Timedelta(days=1)


def term_passed(column: pd.Series, as_of: object, years: int) -> pd.Series:
    """Mask: ``years`` after the date have passed as of ``as_of``.  Missing dates are ``False``."""
    return (passes_on(column, years) <= pd.Timestamp(as_of).normalize()).fillna(False).astype(bool)


def on_or_before(column: pd.Series, as_of: object) -> pd.Series:
    """Mask: the date is on or before ``as_of``.  Missing dates are ``False``."""
    return (calendar_dates(column) <= pd.Timestamp(as_of).normalize()).fillna(False).astype(bool)


def in_accounting_hold(column: pd.Series, as_of: object, years: int) -> pd.Series:
    """Mask: the relationship ended on or before ``as_of`` and its ``years`` have not passed yet
    (§10.1.1 read with the accounting hold).  Missing dates are ``False``."""
    return on_or_before(column, as_of) & ~term_passed(column, as_of, years)


def retention_cutoff(as_of: object, years: int) -> date:
    """The audit date ``years`` back: a relationship that ended before this day is past its term."""
    return (pd.Timestamp(as_of).normalize() - pd.DateOffset(years=int(years))).date()

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

from collections.abc import Mapping
from datetime import date, timedelta

import numpy as np
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


def due_dates(actions: pd.Series, due_days: Mapping[str, int], as_of: object) -> np.ndarray:
    """The day each finding is due (``datetime64[D]``): the audit date plus the policy's days
    for its action (policy ``[due_days]``; the run's history later keeps a still-open finding's
    first due date).

    >>> actions = pd.Series(["DELETE", "REDACT_FIELD", "DELETE"])
    >>> due_dates(actions, {"DELETE": 30, "REDACT_FIELD": 14}, "2026-11-01").astype(str).tolist()
    ['2026-12-01', '2026-11-15', '2026-12-01']
    """
    codes, distinct = pd.factorize(actions)
    days = np.asarray([due_days.get(a, 0) for a in distinct], dtype="int64")
    today = np.datetime64(pd.Timestamp(as_of).date(), "D")
    return today + days[codes] * np.timedelta64(1, "D")


def exception_expires(decided: date, valid_days: int | None) -> date | None:
    """The day an exception accepted on ``decided`` lapses (policy ``exceptions.valid_days``);
    ``None`` when exceptions do not lapse.

    >>> exception_expires(date(2026, 11, 1), 365), exception_expires(date(2026, 11, 1), None)
    (datetime.date(2027, 11, 1), None)
    """
    return decided + timedelta(days=valid_days) if valid_days else None


def shared_dates(days: np.ndarray) -> np.ndarray:
    """``days`` (``datetime64[D]``) as :class:`datetime.date` objects, one object per distinct
    day (a run's findings share a handful of dates; one object per finding costs ~32 bytes).

    >>> out = shared_dates(np.array(["2026-11-01", "2026-11-01"], dtype="datetime64[D]"))
    >>> out.tolist(), out[0] is out[1]
    ([datetime.date(2026, 11, 1), datetime.date(2026, 11, 1)], True)
    """
    at, distinct = pd.factorize(days.view("int64"))  # hashed: a million days are not sorted
    return distinct.view("datetime64[D]").astype(object)[at]

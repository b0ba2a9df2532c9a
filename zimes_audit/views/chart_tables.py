"""The tables behind the charts of an audit — findings per rule and action, per action, the
deletions falling due, consent per month, the field inventory, the trend — each a function of
its own, so that what a notebook shows as a table and as a chart (:mod:`.charts`) is one and
the same, and so that the run's result tables (:mod:`zimes_audit.report.results`) are made
without importing matplotlib (only the process that draws the charts does).  Every term
(retention years, …) comes from ``result.policy``; none is written here.

>>> t = findings_table(pd.DataFrame({"rule_id": ["CONSENT-MISSING", "CONSENT-MISSING"],
...                                  "action": ["DELETE", "OBTAIN_CONSENT"]}))
>>> t.loc["CONSENT-MISSING", "section"], t.loc["CONSENT-MISSING", ["DELETE", "OBTAIN_CONSENT", "total"]].astype(int).tolist()
('3.1, 11', [1, 1, 2])
>>> int(t.loc["RETENTION-EXPIRED", "total"])
0
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from zimes_audit.procedure.catalogue import load_catalogue
from zimes_audit.procedure.rules import load_rules, rule_order
from zimes_audit.procedure.terms import calendar_dates, passes_on
from zimes_audit.procedure.terms import retention_cutoff as _cutoff
from zimes_audit.report.reports import trend_frame

#: One colour per record kind of the catalogue, in its order.
KIND_COLOURS = dict(zip(load_catalogue().kinds, ("#4393c3", "#d6604d", "#5aae61"), strict=False))
#: The record facts the charts read from ``result.frames`` (audit ``keep_facts``).
READS_FACTS = (
    "relationship_end_at", "created_at", "register_row", "consent_on_record",
    "registered_at", "relationship_start",
)  # fmt: skip


def findings_table(findings: pd.DataFrame) -> pd.DataFrame:
    """Findings per rule (rows, in the rule catalogue's order, with §) and action (columns)."""
    rules = load_rules()
    present = set(pd.unique(findings["action"])) if "action" in findings else set()
    actions = [a for a in rules.actions if a in present]
    counts = (
        _crosstab(findings["rule_id"], findings["action"])
        if len(findings)
        else pd.DataFrame(dtype="int64")
    )
    order = rule_order([*rules.rules, *counts.index])
    table = counts.reindex(index=order, columns=actions, fill_value=0).astype("int64")
    table.insert(0, "section", [rules.rules[r].section if r in rules.rules else "" for r in order])
    table["total"] = table[actions].sum(axis=1).astype("int64")
    table.index.name = "rule_id"
    table.columns.name = None
    return table


def _crosstab(rows: pd.Series, columns: pd.Series) -> pd.DataFrame:
    """How many rows hold each pair of values (``pd.crosstab``, missing values left out): the
    pairs counted as codes in one ``bincount`` rather than grouped.

    >>> _crosstab(pd.Series(["b", "a", "b", None]), pd.Series(["x", "y", "x", "y"]))
       x  y
    a  0  1
    b  2  0
    """
    both = (rows.notna() & columns.notna()).to_numpy()
    row, row_values = pd.factorize(rows[both], sort=True)
    col, col_values = pd.factorize(columns[both], sort=True)
    counts = np.bincount(row * len(col_values) + col, minlength=len(row_values) * len(col_values))
    return pd.DataFrame(
        counts.reshape(len(row_values), len(col_values)), index=row_values, columns=col_values
    )


def _earliest(keys: pd.Series, dates: pd.Series):
    """The earliest of ``dates`` per value of ``keys``: each distinct date ranked once and the
    least rank taken per key (a grouped minimum of Python dates would compare them one by one
    in Python); as that grouped minimum where a date is missing.

    >>> from datetime import date
    >>> _earliest(pd.Series(["a", "b", "a"]), pd.Series([date(2026, 12, 1), date(2026, 1, 2),
    ...                                                   date(2026, 11, 3)])).to_dict()
    {'a': datetime.date(2026, 11, 3), 'b': datetime.date(2026, 1, 2)}
    """
    ranks, days = pd.factorize(dates, sort=True)
    if not len(ranks) or (ranks < 0).any():
        return dates.groupby(keys).min()
    least = pd.Series(ranks, index=keys.index).groupby(keys).min()
    return pd.Series(np.asarray(days, dtype=object)[least.to_numpy()], index=least.index)


def actions_table(findings: pd.DataFrame) -> pd.DataFrame:
    """Findings per action with what to do (EN/LV) and the earliest due date."""
    rules = load_rules()
    counts = findings["action"].value_counts()  # one pass, not a filtered copy per action
    dues = _earliest(findings["action"], findings["due_date"]) if "due_date" in findings else {}
    rows = []
    for name, action in rules.actions.items():
        count = int(counts.get(name, 0))
        due = dues.get(name) if count else None
        rows.append((name, count, due, action.en, action.lv))
    return pd.DataFrame(rows, columns=["action", "findings", "due", "what to do", "ko darīt"])


def retention_cutoff(result) -> date:
    """The day before which a relationship must have ended for its term to have passed."""
    return _cutoff(result.as_of, result.policy.retention_years)


def relationship_ends(result) -> pd.DataFrame:
    """How many records of each kind ended their relationship on each day: ``kind``, ``end``
    (a calendar day), ``records`` — the one pass over the records' rows the retention chart and
    :func:`deletions_due_table` make; both draw from these few thousand rows.

    >>> from types import SimpleNamespace
    >>> ends = pd.to_datetime(["2021-03-05 10:00", "2021-03-05 18:00", None, "2022-01-31 09:00"])
    >>> relationship_ends(SimpleNamespace(frames={"orders": pd.DataFrame({"relationship_end_at": ends})}))
         kind        end  records
    0  orders 2021-03-05        2
    1  orders 2022-01-31        1
    """
    parts = []
    for kind, frame in result.frames.items():
        if "relationship_end_at" in frame and len(frame):
            days = calendar_dates(frame["relationship_end_at"]).value_counts(sort=False)
            parts.append(
                pd.DataFrame({"kind": kind, "end": days.index, "records": days.to_numpy()})
            )
    if not parts:
        return pd.DataFrame({"kind": pd.Series(dtype="string"), "end": pd.Series(dtype="M8[us]"),
                             "records": pd.Series(dtype="int64")})  # fmt: skip
    return pd.concat(parts, ignore_index=True).sort_values(["kind", "end"], ignore_index=True)


def per_month(ends: pd.DataFrame, months: pd.PeriodIndex, when: pd.Series) -> pd.DataFrame:
    """Records per month of ``when`` (one date per row of :func:`relationship_ends`) and kind, over
    ``months``: a row per month, a column per kind of :data:`KIND_COLOURS`."""
    counted = ends.assign(month=when.dt.to_period("M")).groupby(["month", "kind"])["records"].sum()
    table = counted.unstack("kind") if len(counted) else pd.DataFrame(dtype="int64")
    return table.reindex(index=months, columns=list(KIND_COLOURS), fill_value=0).fillna(0)


def deletions_due_table(result, months: int = 12, ends: pd.DataFrame | None = None) -> pd.DataFrame:
    """Records whose retention term passes in each of the coming ``months`` (from the audit date's
    month): the day after relationship end + ``policy.retention_years``, later than ``as_of``
    (``ends``: the result's :func:`relationship_ends`, when already counted)."""
    as_of = pd.Timestamp(result.as_of)
    ends = relationship_ends(result) if ends is None else ends
    due = passes_on(ends["end"], result.policy.retention_years)
    periods = pd.period_range(as_of.to_period("M"), periods=months, freq="M")
    coming = (due > as_of).to_numpy()
    table = per_month(ends[coming], periods, due[coming]).astype("int64")
    table["total"] = table.sum(axis=1)
    table.index = table.index.astype(str)
    table.index.name = "month"
    table.columns.name = None
    return table


def consent_table(result) -> pd.DataFrame:
    """Per order month: orders, orders whose buyer has consent on record (§11), and the share.

    Without orders, the register's records per month of ``registered_at``/``relationship_start``.
    """
    orders = result.frames.get("orders")
    register = result.frames.get("register")
    if orders is not None and len(orders) and "created_at" in orders:
        when = pd.to_datetime(orders["created_at"], errors="coerce")
        consent = np.zeros(len(orders), dtype=bool)
        if register is not None and len(register) and "register_row" in orders:
            rows = orders["register_row"]
            linked = rows.notna().to_numpy()
            on_record = register["consent_on_record"].to_numpy(dtype=bool)
            consent[linked] = on_record[rows[linked].astype("int64").to_numpy()]
        unit = "orders"
    elif register is not None and len(register):
        when = pd.Series(pd.NaT, index=register.index, dtype="M8[us]")
        for column in ("registered_at", "relationship_start"):
            if column in register:
                when = when.fillna(pd.to_datetime(register[column], errors="coerce"))
        consent = register["consent_on_record"].to_numpy(dtype=bool)
        unit = "register records"
    else:
        return pd.DataFrame(columns=["records", "with_consent", "share"]).rename_axis("month")
    table = per_calendar_month(when, consent)
    table["share"] = (table["with_consent"] / table["records"]).round(4)
    table.attrs["unit"] = unit
    return table


def per_calendar_month(when: pd.Series, flags: np.ndarray) -> pd.DataFrame:
    """Per calendar month of ``when`` (index ``month``, periods; a missing time counted in
    none): its rows (``records``) and how many of them are flagged (``with_consent``).  Times
    without a time zone are counted by their month number (``datetime64[M]``, one
    ``bincount``) rather than grouped as periods.

    >>> when = pd.Series(pd.to_datetime(["2026-01-31 23:00", None, "2026-03-01 08:00",
    ...                                  "2026-01-02 09:15"]))
    >>> table = per_calendar_month(when, np.array([True, True, False, False]))
    >>> [str(m) for m in table.index], table["records"].tolist(), table["with_consent"].tolist()
    (['2026-01', '2026-03'], [2, 1], [1, 0])
    """
    if not (when.dtype.kind == "M" and isinstance(when.dtype, np.dtype)):  # time zones: periods
        frame = pd.DataFrame({"month": when.dt.to_period("M").array, "consent": flags})
        frame = frame[frame["month"].notna()]
        return frame.groupby("month")["consent"].agg(records="size", with_consent="sum")
    months = when.to_numpy().astype("datetime64[M]")
    known = ~np.isnat(months)
    number = months[known].astype("int64")  # months since January 1970: a period's ordinal
    first = int(number.min(initial=0))
    records = np.bincount(number - first)
    flagged = np.bincount(number - first, weights=flags[known]).astype("int64")
    held = np.flatnonzero(records)
    index = pd.PeriodIndex.from_ordinals(held + first, freq="M", name="month")
    return pd.DataFrame({"records": records[held], "with_consent": flagged[held]}, index=index)


def inventory_table(tables) -> pd.DataFrame:
    """Per input column: file, heading, canonical field, §6 category, filled cells, fill rate (%)
    — the inventory of :mod:`zimes_audit.views.inventory`."""
    from zimes_audit.views.inventory import inventory_frame

    return inventory_frame(tables).reset_index(drop=True)


def trend_table(result) -> pd.DataFrame:
    """The trend the run kept (:func:`zimes_audit.report.results.with_current_run`); an audit
    without a history (an interactive one) is its own one-point trend."""
    trend = getattr(result, "trend", None)
    if trend is not None:
        return trend
    return trend_frame([{"run_id": "", "as_of": str(result.as_of), "findings": len(result.findings),
                         "new": len(result.findings)}])  # fmt: skip

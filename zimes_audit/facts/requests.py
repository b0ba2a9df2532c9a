"""What is left of the data subjects' open requests, record by record — the facts
SUBJECT-REQUEST-OVERDUE reads (§12.4, §10.1.2; GDPR Art. 12(3), 17, 21; docs/rules.md).

A request's plan (``zimes-audit subject``) is a list of :class:`Item`: an action on a record,
named by its record key (``kind:record id``, or ``kind:file@row`` for a row without an id, as the
history keys findings).  An item is *left* while its record is still in the inputs and:
``delete`` — at all; ``redact`` — one of its fields still holds a value, or the hold it was kept
for (``until``) has passed and the record is still there; ``stop_marketing`` — the marketing flag
is still yes.  ``correct`` is never left: whether data were corrected cannot be told from them.

Per record, :func:`request_facts` gives ``request_left`` (what is left: ``record`` or the fields,
``;``-joined; NA when nothing), ``request_action`` (what it calls for: DELETE for a record,
STOP_MARKETING for the marketing flag alone, else REDACT_FIELD) and ``request_due`` (the earliest day by which what is left was
due: the request's due date, or the day after the hold for a kept record; NaT when nothing).  The
expectation flags a record whose ``request_due`` is before the audit date.

>>> import pandas as pd
>>> from datetime import date
>>> orders = pd.DataFrame({"order_id": ["M-1", "M-2", "M-3"], "email": ["a@b.lv", None, "c@d.lv"],
...     "source_file": "o.csv", "source_row": [2, 3, 4]})
>>> plan = [Open(Item("orders:M-1", "orders", "o.csv", "M-1", "redact", ("email",), date(2030, 1, 1)), date(2026, 12, 5)),
...         Open(Item("orders:M-2", "orders", "o.csv", "M-2", "redact", ("email",), date(2030, 1, 1)), date(2026, 12, 5)),
...         Open(Item("orders:M-3", "orders", "o.csv", "M-3", "delete"), date(2026, 12, 5))]
>>> facts = request_facts(orders, "orders", plan)
>>> facts["request_left"].tolist(), [str(d.date()) if pd.notna(d) else None for d in facts["request_due"]]
(['email', <NA>, 'record'], ['2026-12-05', None, '2026-12-05'])
>>> facts["request_action"].tolist()
['REDACT_FIELD', <NA>, 'DELETE']
>>> none = request_facts(orders, "orders", [])
>>> [str(none[c].dtype) for c in none], none.isna().all().all()
(['string', 'datetime64[ns]', 'string'], np.True_)
>>> record_keys(orders, "orders").tolist()
['orders:M-1', 'orders:M-2', 'orders:M-3']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from zimes_audit.facts.linking import normalise_ids

#: The record kind → the column holding its record id (the catalogue's ``record_id``).
RECORD_IDS = {"orders": "order_id", "register": "customer_id"}
MARKETING_FIELD = "marketing_opt_in"
LEFT, DUE, ACTION = "request_left", "request_due", "request_action"
#: The action what is left calls for (the rule catalogue's actions), one expectation each.
REQUEST_ACTIONS = ("DELETE", "REDACT_FIELD", "STOP_MARKETING")


@dataclass(frozen=True)
class Item:
    """One step of a request's plan: ``action`` on the record (its ``fields``); a record kept
    for the accounting hold is kept ``until`` that day."""

    record_key: str
    kind: str
    file: str
    record_id: str | None
    action: str
    fields: tuple[str, ...] = ()
    until: date | None = None


@dataclass(frozen=True)
class Open:
    """An item of an open request, with the request's due date (and id, for the workbook)."""

    item: Item
    due: date
    request_id: str = ""


def record_key(kind: str, record_id: object, file: str, row: int) -> str:
    """``kind:id``, or ``kind:file@row`` for a row without an id.

    >>> record_key("orders", " M-1 ", "o.csv", 7), record_key("orders", None, "o.csv", 7)
    ('orders:M-1', 'orders:o.csv@7')
    """
    text = str(record_id).strip() if isinstance(record_id, str) else ""
    return f"{kind}:{text}" if text else f"{kind}:{file}@{row}"


def record_keys(frame: pd.DataFrame, kind: str) -> pd.Series:
    """Every row's :func:`record_key`, vectorised."""
    column = RECORD_IDS.get(kind)
    ids = (
        normalise_ids(frame[column])
        if column in frame
        else pd.Series(pd.NA, index=frame.index, dtype="string")
    )
    where = kind + ":" + frame["source_file"].astype(str) + "@" + frame["source_row"].astype(str)
    return (kind + ":" + ids).fillna(where)


def _filled(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return False
    if isinstance(value, float) and pd.isna(value):
        return False
    return not (isinstance(value, str) and not value.strip())


def left_at(item: Item, row: pd.Series, as_of: date | None = None) -> tuple[str | None, date]:
    """What of ``item`` is left on its record ``row`` (``None``: done), and from when it is
    due beyond the request's own due date (``date.min`` when not later)."""
    if item.action == "correct":
        return None, date.min
    if item.action == "delete":
        return "record", date.min
    if item.until is not None and as_of is not None and as_of > item.until:
        return "record", item.until + timedelta(days=1)
    cells = [row[f] for f in item.fields if f in row.index]
    if item.action == "stop_marketing":
        on = any(_filled(v) and bool(v) for v in cells)
        return (MARKETING_FIELD if on else None), date.min
    left = [f for f in item.fields if f in row.index and _filled(row[f])]
    return (";".join(sorted(left)) or None), date.min


def request_facts(
    frame: pd.DataFrame, kind: str, requests: Sequence[Open], as_of: date | None = None
) -> pd.DataFrame:
    """``frame``'s ``request_left`` and ``request_due`` (see the module docstring)."""
    left = pd.Series(pd.NA, index=frame.index, dtype="object")
    due = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    mine = [r for r in requests if r.item.kind == kind]
    if mine and len(frame):
        keys = record_keys(frame, kind)
        positions = pd.Series(range(len(frame)), index=keys.to_numpy())
        for r in mine:
            if r.item.record_key not in positions.index:
                continue
            for at in pd.Series(positions.loc[[r.item.record_key]]).tolist():
                what, later = left_at(r.item, frame.iloc[at], as_of)
                if what is None:
                    continue
                day = pd.Timestamp(max(r.due, later))
                before = left.iloc[at]
                left.iloc[at] = (
                    what
                    if pd.isna(before)
                    else ";".join(sorted({*before.split(";"), *what.split(";")}))
                )
                due.iloc[at] = day if pd.isna(due.iloc[at]) else min(due.iloc[at], day)
    return pd.DataFrame(
        {LEFT: _text(left), DUE: due, ACTION: _text(left, _action)}, index=frame.index
    )


def _text(left: pd.Series, read=None) -> pd.Series:
    """``left`` (or what ``read`` makes of each of its values) as text, missing where it is
    missing: only the few records a request names are read one by one."""
    out = pd.Series(pd.NA, index=left.index, dtype="string")
    held = left.notna().to_numpy(bool)
    if held.any():
        values = left[held]
        out[held] = values.map(read) if read is not None else values
    return out


def _action(left: object) -> object:
    if not isinstance(left, str):
        return pd.NA
    parts = set(left.split(";"))
    if "record" in parts:
        return "DELETE"
    return "STOP_MARKETING" if parts == {MARKETING_FIELD} else "REDACT_FIELD"

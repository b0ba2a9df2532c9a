"""What is left of a request's plan in this month's inputs (SUBJECT-REQUEST-OVERDUE; §12.4,
§10.1.2; GDPR Art. 12(3), 17, 21).

An item is *left* when its record is still in the inputs (by its key) and: ``delete`` — at all;
``redact`` — one of its fields still holds a value, or the hold it was kept for (``until``) has
passed; ``stop_marketing`` — the marketing flag is still yes.  An item is *due* from the request's
due date on (a kept record: from the day after ``until`` for its deletion).  ``correct`` is never
left: whether data were corrected cannot be told from the data.

>>> import pandas as pd
>>> from datetime import date
>>> from zimes_audit.subject.plans import Item
>>> from zimes_audit.subject.lookup import Source
>>> orders = pd.DataFrame({"order_id": ["M-2"], "email": ["a@b.lv"], "source_file": "o.csv", "source_row": [2]})
>>> items = [Item("orders:M-1", "orders", "o.csv", "M-1", "delete"),
...          Item("orders:M-2", "orders", "o.csv", "M-2", "redact", ("email",), date(2030, 2, 1))]
>>> [(i.record_key, why) for i, why in left_of(items, [Source("orders", orders)], date(2026, 12, 1))]
[('orders:M-2', 'email')]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import pandas as pd

from zimes_audit.subject.lookup import Source, record_keys
from zimes_audit.subject.plans import MARKETING_FIELD, Item


def _where(sources: Sequence[Source]) -> dict[str, list[tuple[Source, int]]]:
    """Every record key of the inputs → its rows (source, position)."""
    where: dict[str, list[tuple[Source, int]]] = {}
    for source in sources:
        for at, key in enumerate(record_keys(source)):
            where.setdefault(key, []).append((source, at))
    return where


def _filled(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return False
    if isinstance(value, float) and pd.isna(value):
        return False
    return not (isinstance(value, str) and not value.strip())


def _left(item: Item, rows: list[tuple[Source, int]], as_of: date) -> str | None:
    """Why the item is not done yet (``None`` when it is)."""
    if not rows or item.action == "correct":
        return None
    if item.action == "delete" or (item.until is not None and as_of > item.until):
        return "record"
    cells = [(f, s.frame[f].iloc[at]) for s, at in rows for f in item.fields if f in s.frame]
    if item.action == "stop_marketing":
        return MARKETING_FIELD if any(_filled(v) and bool(v) for _, v in cells) else None
    left = sorted({f for f, v in cells if _filled(v)})
    return ";".join(left) or None


def left_of(
    items: Iterable[Item], sources: Sequence[Source], as_of: date
) -> list[tuple[Item, str]]:
    """The items not carried out in ``sources`` as of ``as_of``, each with what is left
    (``record``, or the fields still filled)."""
    where = _where(sources)
    out = []
    for item in items:
        why = _left(item, where.get(item.record_key, []), as_of)
        if why:
            out.append((item, why))
    return out

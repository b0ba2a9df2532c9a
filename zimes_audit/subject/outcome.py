"""What is left of a request's plan in the inputs, item by item — the same reading as the audit's
facts (:mod:`zimes_audit.facts.requests`), for the administrator checking one request.

>>> import pandas as pd
>>> from datetime import date
>>> from zimes_audit.facts.requests import Item
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

from zimes_audit.facts.requests import Item, left_at, record_keys
from zimes_audit.subject.lookup import Source


def left_of(
    items: Iterable[Item], sources: Sequence[Source], as_of: date
) -> list[tuple[Item, str]]:
    """The items not carried out in ``sources`` as of ``as_of``, each with what is left
    (``record``, or the fields still filled)."""
    where: dict[str, list] = {}
    for source in sources:
        for at, key in enumerate(record_keys(source.frame, source.kind)):
            where.setdefault(key, []).append(source.frame.iloc[at])
    out = []
    for item in items:
        found = {left_at(item, row, as_of)[0] for row in where.get(item.record_key, [])} - {None}
        if found:
            out.append((item, ";".join(sorted(found))))
    return out

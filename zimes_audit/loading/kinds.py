"""Recognising what a file is (orders export or customer register) from the fields it holds.

The kinds and the fields they need are catalogue data (``[kinds.*]``): a file is of a kind when it
has every ``requires`` field and at least one ``any_of`` field.  Kinds are tried in catalogue order,
so orders come first.

>>> from zimes_audit.procedure.catalogue import load_catalogue
>>> cat = load_catalogue()
>>> recognise_kind({"order_id", "total", "email"}, cat).name
'orders'
>>> recognise_kind({"customer_id", "consent_given"}, cat).name
'register'
>>> recognise_kind({"email", "name"}, cat) is None
True
>>> missing_text({"email", "name"}, cat)
'no order id or customer id column'
>>> missing_text({"order_id", "email"}, cat)
'order id column present but none of created at, total, payment status, product name'
"""

from __future__ import annotations

from collections.abc import Iterable

from zimes_audit.procedure.catalogue import Catalogue, Kind


def _spoken(field: str) -> str:
    return field.replace("_", " ")


def recognise_kind(fields: Iterable[str], catalogue: Catalogue) -> Kind | None:
    """The first kind whose field requirements ``fields`` meet, or ``None``."""
    present = set(fields)
    for kind in catalogue.kinds.values():
        if set(kind.requires) <= present and present & set(kind.any_of):
            return kind
    return None


def missing_text(fields: Iterable[str], catalogue: Catalogue) -> str:
    """Which fields keep ``fields`` from being any kind, in words (field names only, no values)."""
    present = set(fields)
    for kind in catalogue.kinds.values():
        if set(kind.requires) <= present:
            wanted = ", ".join(_spoken(f) for f in kind.any_of)
            keys = " and ".join(_spoken(f) for f in kind.requires)
            return f"{keys} column present but none of {wanted}"
    keys = " or ".join(
        " and ".join(_spoken(f) for f in kind.requires) for kind in catalogue.kinds.values()
    )
    return f"no {keys} column"

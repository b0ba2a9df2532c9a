"""Recognising what a file is (orders export or customer register) from the fields it holds.

The kinds and the fields they need are catalogue data (``[kinds.*]``): a file *can be* of a kind
when it has every ``requires`` field and at least one ``any_of`` field.  When it can be both, the
headings of both kinds are weighed: the kind with more of its own fields present wins, and a tie
is refused rather than guessed (:class:`Decision` says why, for the inventory).

>>> from zimes_audit.procedure.catalogue import load_catalogue
>>> cat = load_catalogue()
>>> recognise_kind({"order_id", "total", "email"}, cat).name
'orders'
>>> recognise_kind({"customer_id", "consent_given"}, cat).name
'register'
>>> recognise_kind({"email", "name"}, cat) is None
True
>>> d = decide_kind({"customer_id", "consent_given", "marketing_opt_in", "order_id", "total"}, cat)
>>> d.kind.name, d.why
('register', 'register headings: customer id, consent given, marketing opt in (3) vs orders headings: order id, total (2)')
>>> decide_kind({"customer_id", "consent_given", "order_id", "total"}, cat).tie
True
>>> missing_text({"email", "name"}, cat)
'no order id or customer id column'
>>> missing_text({"order_id", "email"}, cat)
'order id column present but none of created at, total, payment status, product name'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from zimes_audit.procedure.catalogue import Catalogue, Kind


def _spoken(field: str) -> str:
    return field.replace("_", " ")


@dataclass(frozen=True)
class Decision:
    """The kind a set of fields makes (``None``: none, or a ``tie``) and why, in words."""

    kind: Kind | None
    why: str
    tie: bool = False


def _own(kind: Kind, present: set[str]) -> list[str]:
    return [f for f in (*kind.requires, *kind.any_of) if f in present]


def decide_kind(fields: Iterable[str], catalogue: Catalogue) -> Decision:
    """Weigh every kind whose requirements ``fields`` meet by how many of its own fields are
    present; the heaviest wins, a tie between the heaviest is no decision."""
    present = set(fields)
    possible = [
        k
        for k in catalogue.kinds.values()
        if set(k.requires) <= present and present & set(k.any_of)
    ]
    if not possible:
        return Decision(None, missing_text(present, catalogue))
    weighed = sorted(possible, key=lambda k: -len(_own(k, present)))
    why = " vs ".join(
        f"{k.name} headings: {', '.join(_spoken(f) for f in _own(k, present))} "
        f"({len(_own(k, present))})"
        for k in weighed
    )
    if len(weighed) > 1 and len(_own(weighed[0], present)) == len(_own(weighed[1], present)):
        return Decision(None, why, tie=True)
    return Decision(weighed[0], why)


def recognise_kind(fields: Iterable[str], catalogue: Catalogue) -> Kind | None:
    """The kind ``fields`` make (see :func:`decide_kind`), or ``None``."""
    return decide_kind(fields, catalogue).kind


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

"""Linking orders to register rows (docs/rules.md): by customer id, else by normalised e-mail."""

from __future__ import annotations

import pandas as pd
from conftest import AS_OF, make_table
from hypothesis import given, settings
from hypothesis import strategies as st
from profiles import examples

from zimes_audit.audit import audit
from zimes_audit.facts.derived import joined_names, joined_text
from zimes_audit.facts.linking import link_orders, normalise_email


def test_customer_id_wins_over_email_and_unlinked_orders_are_marked():
    register = pd.DataFrame(
        {"customer_id": ["K-00001", "K-00002"], "email": ["janis@inbox.lv", "liga@gmail.com"]}
    )
    orders = pd.DataFrame(
        {
            "customer_id": [" K-00002 ", None, None, "K-99999"],
            "email": ["janis@inbox.lv", "  LIGA@Gmail.com", "viesis@inbox.lv", None],
        }
    )
    link = link_orders(orders, register)
    assert link["register_row"].tolist() == [1, 1, pd.NA, pd.NA]
    assert link["method"].tolist() == ["customer_id", "email", pd.NA, pd.NA]


def test_first_register_row_wins_for_a_shared_email():
    register = pd.DataFrame(
        {"customer_id": ["K-1", "K-2"], "email": ["dup@inbox.lv", "DUP@inbox.lv"]}
    )
    link = link_orders(pd.DataFrame({"email": ["dup@inbox.lv"]}), register)
    assert link["register_row"].tolist() == [0]


def test_linked_orders_inherit_the_register_end_and_guest_orders_end_the_guest_term_after():
    register = make_table(
        "register",
        [
            {
                "customer_id": "K-1",
                "email": "janis@inbox.lv",
                "relationship_start": "2019-01-01",
                "relationship_end": "2024-02-01",
                "consent_given": True,
                "consent_at": "2019-01-01",
            }
        ],
    )
    orders = make_table(
        "orders",
        [
            {"order_id": "M-1", "created_at": "2023-05-05 10:00:00", "email": "JANIS@inbox.lv"},
            {"order_id": "M-2", "created_at": "2023-05-05 10:00:00", "email": "guest@inbox.lv"},
        ],
    )
    frame = audit(tables=[orders, register], as_of=AS_OF).frames["orders"]
    assert frame["link_method"].tolist() == ["email", pd.NA]
    assert frame["relationship_end_at"].dt.strftime("%Y-%m-%d").tolist() == [
        "2024-02-01",
        "2025-05-05",  # a guest order: the policy's guest term (2 years) after the order date
    ]


# keys as customers type them: case, spaces, Latvian and German letters (ß folds to ss), blanks
_KEYS = st.sampled_from(
    ["K-1", " K-1", "k-1", "K-2", "", " ", None, "Anna@Inbox.LV", "anna@inbox.lv ",
     "JĀNIS@inbox.lv", "jānis@INBOX.lv", "Straße@x.de", "strasse@x.de", "ǅ@x.lv"]
)  # fmt: skip


@settings(max_examples=examples(default=75, thorough=300), deadline=None)
@given(register=st.lists(_KEYS, max_size=8), orders=st.lists(_KEYS, max_size=8))
def test_links_are_the_first_register_row_with_the_same_normalised_key(register, orders):
    link = link_orders(
        pd.DataFrame({"email": orders}, dtype="str"),
        pd.DataFrame({"email": register}, dtype="str"),
    )

    def key(value):
        text = (value or "").strip().casefold()
        return text or None

    first: dict[str, int] = {}
    for position, value in enumerate(register):
        if key(value) is not None:
            first.setdefault(key(value), position)
    expected = [first.get(key(v), pd.NA) if key(v) else pd.NA for v in orders]
    assert link["register_row"].tolist() == expected
    assert normalise_email(pd.Series(orders, dtype="str")).tolist() == [
        key(v) if key(v) is not None else pd.NA for v in orders
    ]


@settings(max_examples=examples(default=50, thorough=200), deadline=None)
@given(rows=st.lists(st.lists(st.sampled_from([None, "", "x", "Līga; 2"]), min_size=3,
                              max_size=3), max_size=6))  # fmt: skip
def test_joined_text_and_names_join_the_filled_cells_in_column_order(rows):
    frame = pd.DataFrame(rows or None, columns=["a", "b", "c"], dtype="str")

    def joined(cells, sep):
        out = ""
        for cell in cells:
            if cell is not None:
                out = cell if out == "" else out + sep + cell
        return out or pd.NA

    separator = "\n¦\n"
    assert joined_text(frame, ["a", "b", "c"]).tolist() == [joined(r, separator) for r in rows]
    names = [[c if v is not None else None for c, v in zip("abc", r, strict=True)] for r in rows]
    assert joined_names(frame, ["a", "b", "c"]).tolist() == [joined(n, ";") for n in names]
    labels = ["e-pasts", "tālrunis", "piezīmes"]  # a column named by its label, not its name
    labelled = [[lab if v is not None else None for lab, v in zip(labels, r, strict=True)]
                for r in rows]  # fmt: skip
    assert joined_names(frame, ["a", "b", "c"], labels).tolist() == [
        joined(n, ";") for n in labelled
    ]

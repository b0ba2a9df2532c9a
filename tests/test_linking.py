"""Linking orders to register rows (docs/rules.md): by customer id, else by normalised e-mail."""

from __future__ import annotations

import pandas as pd
from conftest import AS_OF, make_table

from zimes_audit.audit import audit
from zimes_audit.facts.linking import link_orders


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

"""Linking orders to customer-register rows (docs/rules.md).

An order belongs to the register row with the same customer id (trimmed text); failing that, to
the register row with the same normalised e-mail (trimmed, case-folded).  The result says, per
order, which register row (by position) it belongs to and how it was linked; ``None`` means the
buyer is not in the register — a guest order, a relationship of its own that ends the policy's
``guest_relationship_years`` after the order date (:mod:`zimes_audit.facts.derived`).

>>> import pandas as pd
>>> orders = pd.DataFrame({"customer_id": ["K-1", None, None], "email": [None, " LIGA@inbox.lv", "x@y.lv"]})
>>> register = pd.DataFrame({"customer_id": ["K-1", "K-2"], "email": ["janis@inbox.lv", "liga@inbox.lv"]})
>>> link = link_orders(orders, register)
>>> link.register_row.tolist(), link.method.tolist()
([0, 1, <NA>], ['customer_id', 'email', <NA>])
"""

from __future__ import annotations

import pandas as pd


def _key(frame: pd.DataFrame, column: str, normalise) -> pd.Series:
    if column not in frame:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    return normalise(frame[column])


def _first_position(keys: pd.Series) -> pd.Series:
    """Key → position of the first register row holding it."""
    table = pd.DataFrame({"key": keys.to_numpy(), "position": range(len(keys))})
    table = table.dropna().drop_duplicates("key")
    return pd.Series(table["position"].to_numpy(), index=table["key"].to_numpy())


def normalise_email(values: pd.Series) -> pd.Series:
    """Trimmed, case-folded e-mail addresses (blank is NA): the key for linking and duplicates.

    >>> normalise_email(pd.Series(["  Liga.Ozolina@Inbox.LV ", " ", None])).tolist()
    ['liga.ozolina@inbox.lv', <NA>, <NA>]
    """
    return values.astype("string").str.strip().str.casefold().replace("", pd.NA)


def normalise_ids(series: pd.Series) -> pd.Series:
    """Customer ids as compared everywhere: trimmed text; blank or missing is NA.

    >>> normalise_ids(pd.Series([" K-1 ", "", None, "K-2"])).tolist()
    ['K-1', <NA>, <NA>, 'K-2']
    """
    return series.astype("string").str.strip().replace("", pd.NA)


def link_orders(orders: pd.DataFrame, register: pd.DataFrame) -> pd.DataFrame:
    """Per order: ``register_row`` (position in ``register`` or NA) and ``method``."""
    by_id = _first_position(_key(register, "customer_id", normalise_ids))
    by_email = _first_position(_key(register, "email", normalise_email))
    via_id = _key(orders, "customer_id", normalise_ids).map(by_id).astype("Int64")
    via_email = _key(orders, "email", normalise_email).map(by_email).astype("Int64")
    row = via_id.fillna(via_email)
    method = pd.Series(pd.NA, index=orders.index, dtype="string")
    method[via_email.notna()] = "email"
    method[via_id.notna()] = "customer_id"
    return pd.DataFrame({"register_row": row.astype("Int64"), "method": method})

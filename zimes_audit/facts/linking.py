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

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def _key(frame: pd.DataFrame, column: str, normalise) -> pd.Series:
    if column not in frame:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    return normalise(frame[column])


def text_array(series: pd.Series) -> pa.Array:
    """A Series' values as one contiguous Arrow ``large_string`` array (missing: null)."""
    array = pa.array(series.astype("string").array, type=pa.large_string(), from_pandas=True)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _positions(register_keys: pd.Series, order_keys: pd.Series) -> pd.Series:
    """Per order key, the position of the first register row holding it (NA when none): one
    Arrow hash lookup (``index_in`` gives a key's first position), no Python step per value."""
    found = pc.index_in(
        text_array(order_keys), value_set=text_array(register_keys), skip_nulls=True
    )
    positions = found.cast(pa.int64()).fill_null(-1).to_numpy(zero_copy_only=False)
    return pd.Series(pd.arrays.IntegerArray(positions, positions < 0), index=order_keys.index)


def normalise_email(values: pd.Series) -> pd.Series:
    """Trimmed, case-folded e-mail addresses (blank is NA): the key for linking and duplicates.

    >>> normalise_email(pd.Series(["  Liga.Ozolina@Inbox.LV ", " ", None])).tolist()
    ['liga.ozolina@inbox.lv', <NA>, <NA>]
    """
    return casefold(values.astype("string").str.strip()).replace("", pd.NA)


def casefold(text: pd.Series) -> pd.Series:
    """``str.casefold`` of every value of a ``string`` Series: ASCII values (nearly all) by
    Arrow, the others by Python once per distinct value.

    >>> casefold(pd.Series(["ANNA@X.LV", "Straße", None], dtype="string")).tolist()
    ['anna@x.lv', 'strasse', <NA>]
    """
    array = pa.array(text.array, type=pa.large_string(), from_pandas=True)
    ascii_ = pc.fill_null(pc.string_is_ascii(array), True)
    folded = pc.ascii_lower(array)  # for ASCII, casefold is lower-casing A-Z
    if not pc.all(ascii_).as_py():
        other = ~np.asarray(ascii_)
        distinct = text[other].unique()
        folds = pd.Series([v.casefold() for v in distinct], index=distinct, dtype="string")
        replacements = pa.array(folds.reindex(text[other]).array, type=pa.large_string())
        folded = pc.replace_with_mask(folded, pa.array(other), replacements)
    return pd.Series(pd.array(folded, dtype="string"), index=text.index)


def normalise_ids(series: pd.Series) -> pd.Series:
    """Customer ids as compared everywhere: trimmed text; blank or missing is NA.

    >>> normalise_ids(pd.Series([" K-1 ", "", None, "K-2"])).tolist()
    ['K-1', <NA>, <NA>, 'K-2']
    """
    return series.astype("string").str.strip().replace("", pd.NA)


def link_orders(orders: pd.DataFrame, register: pd.DataFrame) -> pd.DataFrame:
    """Per order: ``register_row`` (position in ``register`` or NA) and ``method``."""
    via_id = _positions(
        _key(register, "customer_id", normalise_ids), _key(orders, "customer_id", normalise_ids)
    )
    via_email = _positions(
        _key(register, "email", normalise_email), _key(orders, "email", normalise_email)
    )
    row = via_id.fillna(via_email)
    method = pd.Series(pd.NA, index=orders.index, dtype="string")
    method[via_email.notna()] = "email"
    method[via_id.notna()] = "customer_id"
    return pd.DataFrame({"register_row": row.astype("Int64"), "method": method})

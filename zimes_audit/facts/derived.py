"""Facts the rules read that no single column holds: linking, purchases, first and last activity.

Derived once, here, from the loaded frames and the policy (docs/rules.md, "Records, linking and
the facts the rules use"); the suites' expectations then judge these facts against the terms.
Nothing here decides a finding.

>>> import pandas as pd
>>> joined_names(pd.DataFrame({"email": ["a@b.lv", None], "phone": ["+37122345678", None]}), ["email", "phone"]).tolist()
['email;phone', <NA>]
>>> joined_text(pd.DataFrame({"a": ["x", None], "b": ["y", None]}), ["a", "b"]).tolist()
['x\\n¦\\ny', <NA>]
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from zimes_audit.facts.linking import (
    casefold,
    link_orders,
    normalise_email,
    normalise_ids,
    text_array,
)
from zimes_audit.loading.tables import UNCLASSIFIED_PREFIX, UNREADABLE_PREFIX
from zimes_audit.procedure.catalogue import load_catalogue
from zimes_audit.procedure.policy import Policy
from zimes_audit.procedure.terms import years_after


def _column(frame: pd.DataFrame, name: str, dtype: str) -> pd.Series:
    if name in frame:
        return frame[name]
    return pd.Series(pd.NA if dtype != "datetime64[us]" else pd.NaT, index=frame.index, dtype=dtype)


def _date(frame: pd.DataFrame, name: str) -> pd.Series:
    return pd.to_datetime(_column(frame, name, "datetime64[us]"), errors="coerce").dt.normalize()


def _append(out: pa.Array, filled: pa.Array, piece, sep: str) -> pa.Array:
    """Per row where ``filled``: ``piece`` when ``out`` is still empty, else ``out`` + ``sep`` +
    ``piece`` (Arrow kernels, no Python step per row)."""
    empty = pc.or_kleene(pc.is_null(out), pc.equal(out, ""))
    joined = pc.binary_join_element_wise(out, piece, pa.scalar(sep, pa.large_string()))
    return pc.if_else(filled, pc.if_else(empty, piece, joined), out)


def _as_string_series(out: pa.Array, index: pd.Index) -> pd.Series:
    """The joined column as a pandas ``string`` Series, an empty text missing."""
    out = pc.if_else(pc.equal(out, ""), pa.scalar(None, pa.large_string()), out)
    return pd.Series(pd.array(out, dtype="string"), index=index)


def _none(rows: int) -> pa.Array:
    return pa.nulls(rows, pa.large_string())


def joined_names(
    frame: pd.DataFrame, columns: Sequence[str], labels: Sequence[str] | None = None
) -> pd.Series:
    """Per row, the names of ``columns`` that hold a value, joined by ``;`` (NA when none)."""
    labels = list(labels or columns)
    out = _none(len(frame))
    for column, label in zip(columns, labels, strict=True):
        if column in frame:
            filled = frame[column].notna().to_numpy()
            if filled.any():
                out = _append(out, pa.array(filled), pa.scalar(label, pa.large_string()), ";")
    return _as_string_series(out, frame.index)


#: The fact holding the text of every column outside the catalogue that is scanned like free text
#: (unknown headings, the field map's own text fields, unreadable cells): the suites' scans read
#: it beside the catalogue's scanned fields, and the findings name the column it came from.
EXTRA_TEXT = "extra_text"
_SEPARATOR = "\n¦\n"  # no detector reads across it (codes and cards allow only spaces/hyphens)

#: The columns :func:`full_name` reads.
NAME_COLUMNS = ("name", "first_name", "last_name")


def full_name(frame: pd.DataFrame) -> pd.Series:
    """Per record, the person's name (§6.1): ``name``, or ``first_name`` and ``last_name`` joined
    when the file keeps them in two columns.

    >>> full_name(pd.DataFrame({"first_name": ["Jānis", None], "last_name": ["Bērziņš", None]})).tolist()
    ['Jānis Bērziņš', <NA>]
    """
    name_column, *part_columns = NAME_COLUMNS
    name = _column(frame, name_column, "string").astype("string")
    parts = [_column(frame, c, "string").astype("string").str.strip() for c in part_columns]
    joined = (parts[0].fillna("") + " " + parts[1].fillna("")).str.strip().replace("", pd.NA)
    return name.fillna(joined)


def joined_text(frame: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """Per row, the text of ``columns`` that hold a value, joined by a line break (NA when none)."""
    out = _none(len(frame))
    for column in columns:
        if column not in frame:
            continue
        values = frame[column].astype("string")
        filled = values.notna().to_numpy()
        if filled.any():
            text = pa.array(values.array, type=pa.large_string(), from_pandas=True)
            out = _append(out, pa.array(filled), text, _SEPARATOR)
    return _as_string_series(out, frame.index)


def default_extra_scan(frame: pd.DataFrame) -> list[str]:
    """Columns scanned through :data:`EXTRA_TEXT` when the caller names none: unknown headings
    and the text of unreadable cells."""
    prefixes = (UNCLASSIFIED_PREFIX, UNREADABLE_PREFIX)
    return [c for c in frame.columns if c.startswith(prefixes)]


def _common_facts(
    frame: pd.DataFrame,
    policy: Policy,
    extra_scan: Sequence[str] | None,
    local_unpermitted: dict[str, str],
) -> dict[str, pd.Series]:
    scan = default_extra_scan(frame) if extra_scan is None else list(extra_scan)
    return {
        "local_unpermitted_filled": joined_names(
            frame, list(local_unpermitted), list(local_unpermitted.values())
        ),
        EXTRA_TEXT: joined_text(frame, scan),
        "unneeded_contact_fields": joined_names(frame, policy.contact_fields_not_needed),
    }


def customer_in_register(
    orders: pd.DataFrame,
    register: pd.DataFrame,
    former: Collection[str] = (),
    by_id: np.ndarray | None = None,
) -> pd.Series:
    """Per order, whether the customer id it names is in the register: ``yes``; ``no``; or
    ``deleted`` when not, but an earlier audit saw it there (``former``: the audit history's
    customer ids).  NA for an order naming no id, and for every order when no register is
    audited (CUSTOMER-NOT-IN-REGISTER, docs/rules.md).  ``by_id``: per order, whether
    :func:`~zimes_audit.facts.linking.link_orders` found its register row by the customer id —
    the same look-up, not made again.

    >>> orders = pd.DataFrame({"customer_id": ["K-1", " K-2", "K-3", None]})
    >>> customer_in_register(orders, pd.DataFrame({"customer_id": ["K-1"]}), {"K-2"}).tolist()
    ['yes', 'deleted', 'no', <NA>]
    >>> register = pd.DataFrame({"customer_id": ["K-1"]})
    >>> by_id = link_orders(orders, register)["method"].eq("customer_id").fillna(False)
    >>> customer_in_register(orders, register, {"K-2"}, by_id.to_numpy(bool)).tolist()
    ['yes', 'deleted', 'no', <NA>]
    >>> customer_in_register(orders, pd.DataFrame({"source_row": []})).isna().all()
    np.True_
    """
    named = _column(orders, "customer_id", "string")
    out = pd.Series(pd.NA, index=orders.index, dtype="string")
    if "customer_id" not in register or "customer_id" not in orders:
        return out
    named = normalise_ids(named)
    known = is_in(named, normalise_ids(register["customer_id"])) if by_id is None else by_id
    out[named.notna()] = "no"
    if former:
        out[is_in(named, pd.Series(list(former), dtype="string"))] = "deleted"
    out[known] = "yes"
    return out


def _codes(values: pd.Series) -> np.ndarray:
    """Each value's code among the distinct values (-1 for a missing one), by Arrow's hash."""
    codes = pc.dictionary_encode(text_array(values)).indices.cast(pa.int64()).fill_null(-1)
    return codes.to_numpy(zero_copy_only=False)


def distinct_per_key(keys: pd.Series, values: pd.Series) -> pd.Series:
    """Per row, how many distinct values (missing ones aside) the rows with its key hold; NA
    for a row without a key (the register's customer ids per e-mail address).

    >>> keys = pd.Series(["a@x.lv", "a@x.lv", "b@x.lv", None, "a@x.lv", "c@x.lv"], dtype="string")
    >>> ids = pd.Series(["K-1", "K-2", "K-3", "K-4", "K-1", None], dtype="string")
    >>> distinct_per_key(keys, ids).tolist()
    [2, 2, 1, <NA>, 2, 0]
    """
    key, value = _codes(keys), _codes(values)
    both = (key >= 0) & (value >= 0)
    width = int(value.max()) + 1 if value.size else 1
    pairs = np.unique(key[both] * width + value[both])
    counts = np.bincount(pairs // width, minlength=int(key.max()) + 1 if key.size else 0)
    out = np.where(key >= 0, counts[np.maximum(key, 0)] if counts.size else 0, 0)
    return pd.Series(pd.arrays.IntegerArray(out.astype(np.int64), key < 0), index=keys.index)


def is_in(values: pd.Series, known: pd.Series) -> np.ndarray:
    """Per value, whether it is one of ``known`` (missing: never), by Arrow's hash lookup —
    pandas' ``isin`` of Arrow text makes a Python object of every known value.

    >>> is_in(pd.Series(["K-1", None, "K-3"], dtype="string"), pd.Series(["K-3", None])).tolist()
    [False, False, True]
    """
    distinct = pc.unique(text_array(known)).drop_null()
    found = pc.is_in(text_array(values), value_set=distinct, skip_nulls=True)
    return np.asarray(pc.fill_null(found, False).to_numpy(zero_copy_only=False), dtype=bool)


def order_facts(
    orders: pd.DataFrame,
    register: pd.DataFrame,
    policy: Policy,
    *,
    extra_scan: Sequence[str] | None = None,
    local_unpermitted: dict[str, str] | None = None,
    former_customers: Collection[str] = (),
) -> pd.DataFrame:
    """``orders`` with its facts added: the register link, the relationship end and whether
    the customer id it names is in the register (:func:`customer_in_register`).

    ``extra_scan``: columns outside the catalogue scanned as free text (default: unknown headings
    and unreadable cells); ``local_unpermitted``: frame column → field name of the field map's
    not-permitted fields; ``former_customers``: the customer ids earlier audits saw in the
    register (the audit history's).

    A linked order's relationship ends when its register customer's does; a guest order's (a
    buyer the register does not know) ends ``policy.guest_relationship_years`` after the order
    date — the consumer's period for claims about the goods (policy.toml cites the law).
    """
    link = link_orders(orders, register)
    own_end = years_after(_date(orders, "created_at"), policy.guest_relationship_years)
    register_end = _date(register, "relationship_end").reset_index(drop=True)
    linked_end = pd.Series(pd.NaT, index=orders.index, dtype=own_end.dtype)
    linked = link["register_row"].notna().to_numpy()
    if linked.any():
        rows = link["register_row"][linked].astype(int).to_numpy()
        linked_end[linked] = register_end.to_numpy()[rows]
    end = own_end.where(~linked, linked_end)
    return orders.assign(
        register_row=link["register_row"],
        link_method=link["method"],
        relationship_end_at=end,
        customer_in_register=customer_in_register(
            orders,
            register,
            former_customers,
            link["method"].eq("customer_id").fillna(False).to_numpy(bool),
        ),
        **_common_facts(orders, policy, extra_scan, local_unpermitted or {}),
    )


def register_facts(
    register: pd.DataFrame,
    orders_with_facts: pd.DataFrame,
    policy: Policy,
    *,
    extra_scan: Sequence[str] | None = None,
    local_unpermitted: dict[str, str] | None = None,
) -> pd.DataFrame:
    """``register`` with its facts: purchases, unpaid orders, first and last activity, whether
    the customer opted out of commercial notices (a date or a yes in a flag column) and whether
    they were handed to debt collection (likewise)."""
    positions = pd.RangeIndex(len(register))
    # only the columns needed, of the linked orders (not a copy of the whole orders frame)
    needed = [c for c in ("register_row", "payment_status", "created_at") if c in orders_with_facts]
    linked = orders_with_facts[needed][orders_with_facts["register_row"].notna()]
    owner = linked["register_row"].astype(int)  # register position of each linked order
    status = _column(linked, "payment_status", "string").astype("string")
    paid = casefold(status.str.strip()).isin(load_catalogue().paid_statuses)
    unpaid = ~paid.fillna(False).astype(bool)
    order_dates = _date(linked, "created_at").groupby(owner)
    count = owner.value_counts()
    unpaid_count = unpaid.groupby(owner).sum()
    first_order, last_order = order_dates.min(), order_dates.max()

    def aligned(series: pd.Series, fill=None) -> np.ndarray:
        series = series.reindex(positions)
        return (series.fillna(fill) if fill is not None else series).to_numpy()

    registered = _date(register, "registered_at").to_numpy()
    start = _date(register, "relationship_start").to_numpy()
    contact = _date(register, "last_contact_at").to_numpy()
    first_parts = pd.DataFrame({"registered": registered, "start": start,
                                "order": aligned(first_order)})  # fmt: skip
    last_parts = pd.DataFrame({"registered": registered, "start": start, "contact": contact,
                               "order": aligned(last_order)})  # fmt: skip
    email_key = normalise_email(_column(register, "email", "string"))
    ids = normalise_ids(_column(register, "customer_id", "string"))
    ids_sharing_email = distinct_per_key(email_key, ids)
    consent = _column(register, "consent_given", "boolean").astype("boolean")
    on_list = _column(register, "marketing_opt_in", "boolean").astype("boolean")
    unsubscribed = _column(register, "unsubscribed", "boolean").astype("boolean")
    opted_out = _date(register, "marketing_opt_out_at").notna() | unsubscribed.fillna(False)
    sent = _column(register, "sent_to_debt_collection", "boolean").astype("boolean")
    debt = _date(register, "debt_collection_at").notna() | sent.fillna(False)
    return register.assign(
        email_key=email_key,
        ids_sharing_email=ids_sharing_email,
        consent_on_record=consent.fillna(False).astype(bool),
        marketing_on_list=on_list.fillna(False).astype(bool),
        opted_out=opted_out.astype(bool),
        debt_handed_over=debt.astype(bool),
        has_purchase=aligned(count, 0) > 0,
        unpaid_orders=aligned(unpaid_count, 0).astype("int64"),
        first_collected_at=first_parts.min(axis=1).to_numpy(),
        last_activity_at=last_parts.max(axis=1).to_numpy(),
        relationship_end_at=_date(register, "relationship_end"),
        **_common_facts(register, policy, extra_scan, local_unpermitted or {}),
    )

"""The data subjects' open requests as a run sees them: the workbook's *Pieprasījumi* / *Requests*
sheet, the masked table the audit notebook shows, and which requests the run closes (GDPR
Art. 12(3), 17, 21; §12.4, §10.1.2).

Per open request: its id, type, received and due dates, how many records its plan covers, its
status — ``open`` (something is left, not yet due), ``overdue`` (something is left past its due
date: SUBJECT-REQUEST-OVERDUE), ``carried_out`` (nothing is left: the run closes it) or
``not_checked`` (an input kind its plan covers is not in this run) — and what is left, by record
key (``orders:M-2 (email)``).  Keys and field names only: no personal value.

>>> import pandas as pd
>>> from datetime import date
>>> from zimes_audit.facts.requests import Item, request_facts
>>> from zimes_audit.report.requests import StoredRequest
>>> orders = pd.DataFrame({"order_id": ["M-2"], "email": ["a@b.lv"], "source_file": "o.csv", "source_row": [2]})
>>> items = (Item("orders:M-1", "orders", "o.csv", "M-1", "delete"),
...          Item("orders:M-2", "orders", "o.csv", "M-2", "redact", ("email",), date(2030, 2, 1)))
>>> request = StoredRequest("r1", "erasure", date(2026, 11, 5), date(2026, 12, 5), items)
>>> frames = {"orders": orders.join(request_facts(orders, "orders", request.opens()))}
>>> rows = request_rows([request], frames, date(2026, 12, 6))
>>> rows[["status", "covered", "left"]].to_dict("records")
[{'status': 'overdue', 'covered': 2, 'left': 'orders:M-2 (email)'}]
>>> request_rows([request], {"orders": orders.iloc[:0].join(request_facts(orders.iloc[:0], "orders", []))}, date(2026, 12, 6))["status"].tolist()
['carried_out']
>>> request_rows([request], {}, date(2026, 12, 6))["status"].tolist()
['not_checked']
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from zimes_audit.facts.requests import DUE, LEFT, record_keys
from zimes_audit.report.history import is_synthetic
from zimes_audit.report.requests import RequestStore, StoredRequest

#: The record facts the sheet reads (kept by the run once the findings are in).
READS_FACTS = (LEFT, DUE)
REQUEST_COLUMNS = [  # (column, heading id, width)
    ("request_id", "request_id", 28),
    ("request", "request", 12),
    ("received", "received", 11),
    ("due_date", "due_date", 11),
    ("status", "status", 14),
    ("covered", "covered", 9),
    ("left", "left", 70),
]


def _left_by_key(frames: dict[str, pd.DataFrame]) -> dict[str, tuple[str, pd.Timestamp]]:
    out = {}
    for kind, frame in frames.items():
        if LEFT not in frame:
            continue
        held = frame[frame[LEFT].notna()]
        for key, left, due in zip(record_keys(held, kind), held[LEFT], held[DUE], strict=True):
            out[key] = (left, due)
    return out


def _row(request: StoredRequest, left: dict, kinds: set[str], as_of: date) -> dict:
    keys = dict.fromkeys(i.record_key for i in request.items)
    still = {k: left[k] for k in keys if k in left}
    past = any(pd.notna(due) and due.date() < as_of for _, due in still.values())
    if still:
        status = "overdue" if past else "open"
    elif {i.kind for i in request.items} - kinds:
        status = "not_checked"
    else:
        status = "carried_out"
    return {
        "request_id": request.request_id,
        "request": request.type,
        "received": pd.Timestamp(request.received),
        "due_date": pd.Timestamp(request.due),
        "status": status,
        "covered": len(keys),
        "left": "; ".join(f"{k} ({what.replace(';', ', ')})" for k, (what, _) in still.items()),
    }


def request_rows(
    requests: list[StoredRequest],
    frames: dict[str, pd.DataFrame],
    as_of: date,
    kinds: set[str] | None = None,
) -> pd.DataFrame:
    """One row per open request (:data:`REQUEST_COLUMNS`, ``status`` as an id); ``kinds``: the
    record kinds this run's inputs hold (default: those of ``frames``)."""
    left = _left_by_key(frames)
    kinds = set(frames) if kinds is None else kinds
    rows = [_row(r, left, kinds, as_of) for r in requests]
    return pd.DataFrame(rows, columns=[c for c, _, _ in REQUEST_COLUMNS])


def requests_shown(rows: pd.DataFrame, lab) -> pd.DataFrame:
    """The rows in the workbook's words (request type and status labelled)."""
    words = lab.table["requests"]
    return rows.assign(
        request=rows["request"].map(lambda k: words.get(k, k)),
        status=rows["status"].map(lambda k: words.get(k, k)),
    )


def requests_table(rows: pd.DataFrame | None) -> pd.DataFrame:
    """The open requests as the audit notebook shows them (keys only, no personal value; an
    interactive audit, which reads no history, has none)."""
    columns = [c for c, _, _ in REQUEST_COLUMNS]
    if rows is None:
        return pd.DataFrame({c: pd.Series(dtype="string") for c in columns})
    return rows[columns].astype({"request_id": "string", "request": "string", "left": "string"})


def carried_out(rows: pd.DataFrame) -> list[str]:
    """The requests this run found carried out (to be closed once the run is recorded)."""
    return rows.loc[rows["status"] == "carried_out", "request_id"].tolist() if len(rows) else []


def requests_for_run(inputs, history: Path) -> list[StoredRequest]:
    """The open requests a run over ``inputs`` checks: none for the synthetic sample (its
    records are not anyone's), else those recorded in ``history``."""
    from zimes_audit.loading.discover import input_files

    if is_synthetic([f.path for f in input_files(inputs)]):
        return []
    return RequestStore(history).open_requests()


def close_carried_out(history: Path, rows: pd.DataFrame | None, as_of: date) -> list[str]:
    """Close the requests the run found carried out (after the run is recorded)."""
    done = carried_out(rows) if rows is not None else []
    store = RequestStore(history)
    for request_id in done:
        store.close_request(request_id, as_of)
    return done

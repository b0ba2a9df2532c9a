"""Data-subject requests recorded in the audit history (GDPR Art. 12(3); §12.4, §10.1.2).

``zimes-audit subject`` records them (:mod:`zimes_audit.subject.answer`); every ``run`` reads the
open ones, lists them and checks them (SUBJECT-REQUEST-OVERDUE, :mod:`zimes_audit.facts.requests`)
and closes those carried out.

The requests live in tables of their own in the history database
(:data:`zimes_audit.report.history.HISTORY_FILE`): the request (type, received, due — one month
later, GDPR Art. 12(3) — when it was recorded, when it closed) and its plan, item by item, by
record key.  **No personal value is stored**: the person's identifiers only as keyed hashes
(HMAC-SHA256) with a secret kept beside the history (``zimes-history.secret``, created on first
use, readable by its owner only, git-ignored).  The same person asking again hashes the same, so
their requests can be found; without the secret the hashes say nothing.

>>> import tempfile, pathlib
>>> from datetime import date
>>> from zimes_audit.facts.requests import Item, Open
>>> store = RequestStore(pathlib.Path(tempfile.mkdtemp()) / "zimes-history.sqlite")
>>> ids = [("email", "liga@inbox.lv")]
>>> rid = store.record("erasure", date(2026, 11, 5), ids, [Item("orders:M-1", "orders", "o.csv", "M-1", "delete")])
>>> [(r.type, r.received.isoformat(), r.due.isoformat(), len(r.items)) for r in store.open_requests()]
[('erasure', '2026-11-05', '2026-12-05', 1)]
>>> store.find(ids) == [rid], store.find([("email", "other@inbox.lv")])
(True, [])
>>> store.close_request(rid, date(2027, 1, 5)); store.open_requests()
[]
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from zimes_audit.facts.requests import Item, Open
from zimes_audit.procedure.processing import load_processing

SECRET_SUFFIX = ".secret"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS subject_requests (
    request_id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    received TEXT NOT NULL,
    due TEXT NOT NULL,
    recorded TEXT NOT NULL,
    subject TEXT NOT NULL,
    closed_on TEXT
);
CREATE TABLE IF NOT EXISTS subject_request_items (
    request_id TEXT NOT NULL REFERENCES subject_requests(request_id),
    record_key TEXT NOT NULL,
    record_kind TEXT NOT NULL,
    source_file TEXT NOT NULL,
    record_id TEXT,
    action TEXT NOT NULL,
    fields TEXT NOT NULL,
    until TEXT
);
"""


def due_date(received: date) -> date:
    """The day the answer is due: the processing table's months after receipt (Art. 12(3)).

    >>> due_date(date(2026, 1, 31)).isoformat()
    '2026-02-28'
    """
    months = load_processing().due_months
    return (pd.Timestamp(received) + pd.DateOffset(months=months)).date()


@dataclass(frozen=True)
class StoredRequest:
    request_id: str
    type: str
    received: date
    due: date
    items: tuple[Item, ...]
    closed_on: date | None = None

    def opens(self) -> list[Open]:
        """Its plan's items, each with the request's due date (what the audit's facts read)."""
        return [Open(i, self.due, self.request_id) for i in self.items]


def _secret(path: Path) -> bytes:
    """The key beside the history: read, or created (owner-only) on first use."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return bytes.fromhex(path.read_text("ascii").strip())
    with os.fdopen(handle, "w") as out:
        out.write(secrets.token_hex(32) + "\n")
    return _secret(path)


def history_key(history_path: Path) -> bytes:
    """The secret beside the history at ``history_path`` that keys every hash it keeps."""
    return _secret(Path(history_path).with_suffix(SECRET_SUFFIX))


class RequestStore:
    """The requests of the history database at ``path`` (its tables created on first use)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.secret_path = self.path.with_suffix(SECRET_SUFFIX)

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        """A connection whose work is committed when the block succeeds, then closed."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=60)
        try:
            with db:
                db.executescript(_SCHEMA)
            with db:
                yield db
        finally:
            db.close()

    def hashes(self, ids: list[tuple[str, str]]) -> list[str]:
        """The person's identifiers (kind, normalised value) as keyed hashes."""
        key = _secret(self.secret_path)
        return sorted(
            hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
            for kind, value in ids
        )

    def record(
        self, request: str, received: date, ids: list[tuple[str, str]], items: list[Item]
    ) -> str:
        """Record a request and its plan; return its id."""
        request_id = f"{received.isoformat()}-{request}-{uuid.uuid4().hex[:8]}"
        subject = json.dumps(self.hashes(ids))
        with self._db() as db:
            db.execute(
                "INSERT INTO subject_requests VALUES (?,?,?,?,?,?,NULL)",
                (request_id, request, received.isoformat(), due_date(received).isoformat(),
                 date.today().isoformat(), subject),
            )  # fmt: skip
            db.executemany(
                "INSERT INTO subject_request_items VALUES (?,?,?,?,?,?,?,?)",
                [
                    (request_id, i.record_key, i.kind, i.file, i.record_id, i.action,
                     ";".join(i.fields), i.until.isoformat() if i.until else None)
                    for i in items
                ],
            )  # fmt: skip
        return request_id

    def find(self, ids: list[tuple[str, str]]) -> list[str]:
        """The requests of the person ``ids`` identifies (any identifier in common)."""
        if not self.path.exists():
            return []
        mine = set(self.hashes(ids))
        with self._db() as db:
            rows = db.execute("SELECT request_id, subject FROM subject_requests").fetchall()
        return [rid for rid, subject in rows if mine & set(json.loads(subject))]

    def open_requests(self) -> list[StoredRequest]:
        """The requests not closed yet, oldest first."""
        if not self.path.exists():
            return []
        with self._db() as db:
            heads = db.execute(
                "SELECT request_id, type, received, due, closed_on FROM subject_requests "
                "WHERE closed_on IS NULL ORDER BY received, request_id"
            ).fetchall()
            items = db.execute(
                "SELECT request_id, record_key, record_kind, source_file, record_id, action, "
                "fields, until FROM subject_request_items"
            ).fetchall()
        by_request: dict[str, list[Item]] = {}
        for rid, key, kind, file, record_id, action, fields, until in items:
            by_request.setdefault(rid, []).append(
                Item(key, kind, file, record_id, action, tuple(filter(None, fields.split(";"))),
                     date.fromisoformat(until) if until else None)
            )  # fmt: skip
        return [
            StoredRequest(rid, kind, date.fromisoformat(rec), date.fromisoformat(due),
                          tuple(by_request.get(rid, ())))
            for rid, kind, rec, due, _ in heads
        ]  # fmt: skip

    def close_request(self, request_id: str, on: date) -> None:
        with self._db() as db:
            db.execute(
                "UPDATE subject_requests SET closed_on = ? WHERE request_id = ?",
                (on.isoformat(), request_id),
            )

"""``zimes-audit subject``: find everything held about one person, write what their request needs,
and record the request in the audit history (GDPR Art. 12(3), 15, 17, 21; §10.1.2, §12.4).

The inputs are read exactly as the audit reads them (:func:`zimes_audit.loading.load_inputs`,
with the administrator's field map).  The folder written follows the report folder's rules
(:mod:`zimes_audit.report.folder`: claimed, staged, never overwritten, nothing left on failure);
by default it is ``requests/<received>-<request>`` (git-ignored).  It holds:

* ``lookup.xlsx`` — the records found (key, file, row, matched by), the uncertain same-name
  records to confirm (``--confirm KEY``) and the mentions (no value: keys, files, rows, columns);
* ``access.xlsx`` / ``access.html`` (``--request access``) — the file to send to the person;
* ``plan.xlsx`` / ``plan.html`` (``erasure``, ``correction``, ``objection``) — the steps.

The request is recorded in the history only after the folder is in place; a request of the
audited kinds (erasure, objection) is then checked by every later ``run``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from zimes_audit.loading import load_inputs
from zimes_audit.procedure.field_map import resolve_field_map
from zimes_audit.procedure.policy import Policy, load_policy
from zimes_audit.report.folder import choose_folder, staged
from zimes_audit.report.history import HISTORY_FILE
from zimes_audit.report.requests import RequestStore, due_date
from zimes_audit.subject.access import access_rows, mention_rows
from zimes_audit.subject.files import Table, write_html, write_xlsx
from zimes_audit.subject.identifiers import Identifiers
from zimes_audit.subject.lookup import Found, Source, find_subject, sources_of
from zimes_audit.subject.plans import Item, describe, plan
from zimes_audit.subject.texts import Words, words

REQUESTS_ROOT = Path("requests")
LISTED = ("record", "file", "row", "matched")


@dataclass(frozen=True)
class Answer:
    folder: Path
    found: Found
    items: list[Item]
    request_id: str | None
    due: date | None


def _heading_table(rows: pd.DataFrame, w: Words, columns) -> pd.DataFrame:
    return rows[list(columns)].rename(columns={c: w.heading(c) for c in columns})


def _lookup_tables(found: Found, sources: list[Source], w: Words) -> list[Table]:
    def listed(records) -> pd.DataFrame:
        return pd.DataFrame(
            [(r.key, r.file, r.row, r.how) for r in records],
            columns=["record", "file", "row", "matched"],
        )

    mentions = pd.DataFrame(
        [(m.key, m.file, m.row, sources[m.source].heading(m.column)) for m in found.mentions],
        columns=["record", "file", "row", "column"],
    )
    return [
        Table(w["records"], _heading_table(listed(found.records), w, LISTED)),
        Table(
            w["uncertain"], _heading_table(listed(found.uncertain), w, LISTED), w["uncertain_note"]
        ),
        Table(w["mentions"], _heading_table(mentions, w, mentions.columns)),
    ]


def _plan_rows(items: list[Item], sources: list[Source], language: str, w: Words) -> pd.DataFrame:
    headings: dict[str, str] = {}
    for source in sources:
        headings.update({f: source.heading(c) for c, f in source.fields.items() if f})
    rows = [
        {
            "record": i.record_key, "file": i.file, "action": w.action(i.action),
            "fields": ", ".join(headings.get(f, f) for f in i.fields),
            "until": i.until.isoformat() if i.until else "",
            "steps": describe(i, language, headings),
        }
        for i in items
    ]  # fmt: skip
    columns = ["record", "file", "action", "fields", "until", "steps"]
    return _heading_table(pd.DataFrame(rows, columns=columns), w, columns)


def _write(staging: Path, request: str | None, found, sources, policy, items, dates, lang):
    w = words(lang)
    write_xlsx(staging / "lookup.xlsx", _lookup_tables(found, sources, w))
    received, due = dates
    say = {"received": received.isoformat(), "due": due.isoformat(),
           "today": date.today().isoformat(), "request": w.request(request or "access")}  # fmt: skip
    if request == "access":
        values = access_rows(found, sources, policy, lang)
        tables = [
            Table(w["records"], _heading_table(values, w, values.columns)),
            Table(w["mentions"], _heading_table(mention_rows(found, sources, lang), w,
                                                ["file", "row", "column", "value"]),
                  w["mention_note"]),
        ]  # fmt: skip
        write_xlsx(staging / "access.xlsx", tables)
        intro = [w["intro_access"].format(**say), w["controller"]]
        write_html(staging / "access.html", lang, w["title_access"], intro, tables)
    elif request is not None:
        tables = [Table(w["plan"], _plan_rows(items, sources, lang, w))]
        write_xlsx(staging / "plan.xlsx", tables)
        title = w["title_plan"].format(**say)
        write_html(staging / "plan.html", lang, title, [w["intro_plan"].format(**say)], tables)


@dataclass(frozen=True)
class Ask:
    """What the administrator asks ``zimes-audit subject`` (its options): the ``request`` to
    answer (``None``: only find the person), when it was ``received`` (default today),
    uncertain records ``confirm``-ed by key, the folder to write (``out``; default
    ``requests/<received>-<request>``), the ``history`` it is recorded in, the ``language`` of
    its files and the administrator's field map (``fields``)."""

    request: str | None = None
    received: date | None = None
    confirm: tuple[str, ...] = ()
    out: Path | None = None
    history: Path = Path("reports") / HISTORY_FILE
    language: str = "lv"
    fields: str | None = None


def answer(inputs: list, ids: Identifiers, ask: Ask, policy: Policy | None = None) -> Answer:
    """Find the person ``ids`` identifies, write the request's folder, record the request."""
    policy = policy or load_policy()
    request, received = ask.request, ask.received or date.today()
    tables = load_inputs(inputs, resolve_field_map(inputs, ask.fields))
    sources = sources_of(tables)
    found = find_subject(sources, ids, ask.confirm)
    items = plan(request, found, sources, policy, received) if request else []
    due = due_date(received)
    target = choose_folder(ask.out, REQUESTS_ROOT, f"{received.isoformat()}-{request or 'lookup'}")
    with staged(target) as staging:
        _write(staging, request, found, sources, policy, items, (received, due), ask.language)
    request_id = None
    if request:
        store = RequestStore(ask.history)
        request_id = store.record(request, received, found.identifiers.pairs(), items)
        if request == "access":  # answered by the file just written
            store.close_request(request_id, received)
    return Answer(target, found, items, request_id, due if request else None)

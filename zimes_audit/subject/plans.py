"""What to do about an erasure (GDPR Art. 17), correction (§12.4) or objection (Art. 21, §10.1.2)
request, record by record, in the words of the workbook's job steps.

* **erasure** — an order is an accounting document: kept the policy's ``retention_years`` after
  its date (§3.3, the Accounting Law; GDPR Art. 17(3)(b)) with the contact fields accounting does
  not need (policy ``contact_fields_not_needed``) cleared now, deleted now when that term is over.
  A register row is deleted now.  A register row on the marketing list is also taken off it now.
* **objection** — every register row of the person is taken off the marketing list now.
* **correction** — every record of the person is corrected with them.

>>> import pandas as pd
>>> from datetime import date
>>> from zimes_audit.procedure.policy import load_policy
>>> from zimes_audit.subject.lookup import Source, find_subject
>>> from zimes_audit.subject.identifiers import Identifiers
>>> orders = pd.DataFrame({"order_id": ["M-1", "M-2"], "email": ["a@b.lv", "a@b.lv"],
...     "created_at": pd.to_datetime(["2020-01-05", "2025-02-01"]), "source_file": "o.csv", "source_row": [2, 3]})
>>> register = pd.DataFrame({"customer_id": ["K-1"], "email": ["a@b.lv"],
...     "marketing_opt_in": pd.array([True]), "source_file": "k.csv", "source_row": [2]})
>>> sources = [Source("register", register), Source("orders", orders)]
>>> found = find_subject(sources, Identifiers.of(emails=["a@b.lv"], region="LV"))
>>> items = plan("erasure", found, sources, load_policy(), date(2026, 11, 10))
>>> [(i.record_key, i.action, i.fields, i.until) for i in items]
[('register:K-1', 'delete', (), None), ('register:K-1', 'stop_marketing', ('marketing_opt_in',), None), ('orders:M-1', 'delete', (), None), ('orders:M-2', 'redact', ('email',), datetime.date(2030, 2, 1))]
>>> describe(items[3], "en", {"email": "E-mail"})
'Mozello → Orders: clear E-mail on 1 order (keep the rest of it for accounting).'
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from zimes_audit.facts.requests import MARKETING_FIELD, Item
from zimes_audit.procedure.policy import Policy
from zimes_audit.procedure.terms import years_after
from zimes_audit.subject.lookup import Found, Source
from zimes_audit.subject.texts import shown, words
from zimes_audit.words.labels import labels

#: Per plan action: the workbook's job step it is done by (action id, rule) — labels.toml [steps].
STEPS = {
    "delete": ("DELETE", ""),
    "redact": ("REDACT_FIELD", "CONTACT-AFTER-END"),
    "stop_marketing": ("STOP_MARKETING", "MARKETING-WITHOUT-BASIS"),
    "correct": ("FIX_DATA", "DATA-INACCURATE"),
}
#: What a request's plan holds: these are audited by every later run (SUBJECT-REQUEST-OVERDUE).
AUDITED = ("erasure", "objection")


def _filled(frame: pd.DataFrame, at: int, columns) -> tuple[str, ...]:
    return tuple(c for c in columns if c in frame and shown(frame[c].iloc[at], words("en")))


def _erasure(found: Found, sources: list[Source], policy: Policy, received: date):
    for r in found.records:
        frame = sources[r.source].frame
        base = (r.key, r.kind, r.file, r.record_id)
        if r.kind == "orders" and "created_at" in frame:
            kept = years_after(frame["created_at"].iloc[[r.position]], policy.retention_years)
            until = None if pd.isna(kept.iloc[0]) else kept.iloc[0].date()
            if until is not None and until >= received:
                fields = _filled(frame, r.position, policy.contact_fields_not_needed)
                yield Item(*base, "redact", fields, until)
                continue
        yield Item(*base, "delete")
        if (
            _filled(frame, r.position, [MARKETING_FIELD])
            and frame[MARKETING_FIELD].iloc[r.position]
        ):
            yield Item(*base, "stop_marketing", (MARKETING_FIELD,))


def plan(
    request: str, found: Found, sources: list[Source], policy: Policy, received: date
) -> list[Item]:
    """The plan of ``request`` (``erasure``, ``objection``, ``correction``; ``access`` has none),
    one item per record and action, in the order of the found records (duplicates dropped)."""
    if request == "erasure":
        items = list(_erasure(found, sources, policy, received))
    elif request == "objection":
        items = [
            Item(r.key, r.kind, r.file, r.record_id, "stop_marketing", (MARKETING_FIELD,))
            for r in found.records
            if r.kind == "register"
        ]
    elif request == "correction":
        items = [Item(r.key, r.kind, r.file, r.record_id, "correct") for r in found.records]
    else:
        items = []
    return list(dict.fromkeys(items))


def describe(item: Item, language: str, headings: dict[str, str]) -> str:
    """The item's concrete step, in the words of the workbook's job of the same action."""
    action, rule = STEPS[item.action]
    field = ", ".join(headings.get(f, f) for f in item.fields)
    return labels(language).steps(
        action, rule, item.kind, count=1, field=field, file=item.file,
        until=item.until.isoformat() if item.until else "",
    )  # fmt: skip

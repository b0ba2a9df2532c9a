"""How an expectation cites the procedure: its rule id, §, action and reason, from its ``meta``.

Data Docs show it (as GX ``notes`` on the suite pages, as a column on the validation pages), so
an auditor reading them sees which rule of the procedure every expectation enforces.

>>> citation({"rule_id": "RETENTION-EXPIRED", "procedure_section": "10.1.1", "action": "DELETE"})
'RETENTION-EXPIRED · § 10.1.1 · DELETE'
>>> note({"rule_id": "DATA-INACCURATE", "procedure_section": "12.4", "action": "FIX_DATA",
...       "reason_en": "Invalid data."})
'**DATA-INACCURATE · § 12.4 · FIX_DATA** — Invalid data.'
>>> citation({}), note(None)
('', None)
"""

from __future__ import annotations

from zimes_audit.words.labels import labels


def citation(meta: dict | None) -> str:
    """``RULE · § section · ACTION`` from an expectation's ``meta`` (empty without a rule id)."""
    meta = meta or {}
    if not meta.get("rule_id"):
        return ""
    return f"{meta['rule_id']} · § {meta.get('procedure_section', '')} · {meta.get('action', '')}"


def note(meta: dict | None) -> str | None:
    """The GX ``notes`` of an expectation: its citation and reason (markdown), or ``None``."""
    cited = citation(meta)
    if not cited:
        return None
    reason = (meta or {}).get("reason_en", "")
    return f"**{cited}** — {reason}" if reason else f"**{cited}**"


def cell(meta: dict | None, language: str = "en") -> str:
    """The citation and reason as one line of plain text in ``language`` (``—`` without a rule
    id): the action by its name in the catalogue's ``[<language>.actions]``, the reason the
    meta's ``reason_<language>``.

    >>> cell({"rule_id": "X", "procedure_section": "6", "action": "DELETE", "reason_en": "Bad.",
    ...       "reason_lv": "Slikti."}, "lv")
    'X · § 6 · Dzēst — Slikti.'
    >>> cell({"rule_id": "X", "procedure_section": "6", "action": "REDACT_FIELD"})
    'X · § 6 · Clear the field'
    """
    if (meta or {}).get("action"):
        meta = {**meta, "action": labels(language).action(meta["action"])}
    cited = citation(meta)
    reason = (meta or {}).get(f"reason_{language}") or (meta or {}).get("reason_en", "")
    return f"{cited} — {reason}" if cited and reason else cited or "—"

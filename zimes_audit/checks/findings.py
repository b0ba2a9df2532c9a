"""Findings: one row per record × rule, traced to the expectations that raised them.

Shaped as the ``findings.csv`` contract (docs/contracts.md) — plus, in the frame, the columns the
workbook and notebooks need (kind, reasons, the expectations behind the finding).  ``detail``
says what is wrong and where, never the value: ``personal code (old format) in notes``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from zimes_audit.checks.conditions import LOCATORS
from zimes_audit.errors import SuiteError
from zimes_audit.loading.tables import LOCAL_PREFIX, UNCLASSIFIED_PREFIX, UNREADABLE_PREFIX

FINDINGS_COLUMNS = [
    "source_file",
    "source_row",
    "record_id",
    "rule_id",
    "procedure_section",
    "severity",
    "action",
    "field",
    "detail",
]
EXTRA_COLUMNS = [
    "record_kind",
    "record_position",
    "reason_en",
    "reason_lv",
    "expectations",
]
_KEY = ["record_kind", "source_file", "source_row", "record_id", "rule_id"]


@dataclass(frozen=True)
class Failure:
    """One expectation that failed, and the positions of the rows it failed on."""

    type: str
    kwargs: dict
    meta: dict
    rows: list[int]

    @property
    def described(self) -> str:
        if "column_list" in self.kwargs:
            return f"{self.type}({len(self.kwargs['column_list'])} columns)"
        column = (
            self.kwargs.get("column")
            or f"{self.kwargs.get('column_A')}/{self.kwargs.get('column_B')}"
        )
        return f"{self.type}({column})"


def _positions(index_list: list) -> list[int]:
    """Row positions from GX's ``unexpected_index_list``: plain positions (ours), or — when the
    naive baseline names an index column — one dict per row or one dict of lists."""
    rows: list[int] = []
    for entry in index_list:
        if isinstance(entry, dict):
            value = entry["record_position"]
            rows.extend(int(v) for v in (value if isinstance(value, list) else [value]))
        else:
            rows.append(int(entry))
    return rows


def failures_of(result) -> list[Failure]:
    """The failed expectations of a GX validation result; an evaluation error is raised, loudly."""
    out = []
    for item in result.results:
        config = item.expectation_config
        if item.exception_info and item.exception_info.get("raised_exception"):
            what = Failure(config.type, config.kwargs, config.meta, []).described
            raise SuiteError(problem=f"{what} could not be evaluated")
        rows = _positions(item.result.get("unexpected_index_list") or [])
        if not item.success:
            if not rows:  # a failure that names no record would let the audit pass vacuously
                what = Failure(config.type, config.kwargs, config.meta, []).described
                raise SuiteError(problem=f"{what} failed without naming its rows")
            out.append(Failure(config.type, dict(config.kwargs), dict(config.meta), rows))
    return out


def field_label(column: str) -> str:
    """The name a finding gives a frame column: the field, or the file's own heading.

    >>> field_label("notes"), field_label("unclassified:Dāvanu kartes ziņa")
    ('notes', 'Dāvanu kartes ziņa')
    >>> field_label("local:gift_message"), field_label("unreadable:relationship_start")
    ('gift_message', 'relationship_start')
    """
    for prefix in (UNCLASSIFIED_PREFIX, LOCAL_PREFIX, UNREADABLE_PREFIX):
        if column.startswith(prefix):
            return field_label(column[len(prefix) :])
    return column


def _located(
    failure: Failure, frame: pd.DataFrame, expand: dict[str, list[str]]
) -> tuple[list[str], list[str]]:
    """Fields and details of a multicolumn failure: per row, the cells its locator blames.

    A fact column that joins several columns' text (``expand``) is blamed column by column."""
    locate = LOCATORS[failure.type]
    template = failure.meta["detail"]
    rows = frame.iloc[failure.rows]
    fields = [[] for _ in failure.rows]
    details = [[] for _ in failure.rows]
    listed = [c for c in failure.kwargs["column_list"] if c in frame]
    columns = [part for c in listed for part in expand.get(c, [c]) if part in frame]
    for column in columns:
        name = field_label(column)
        for n, label in enumerate(locate(rows[column].astype("string")).tolist()):
            if label and name not in fields[n]:
                fields[n].append(name)
                details[n].append(template.format(field=name, format=label))
    return [";".join(f) for f in fields], ["; ".join(d) for d in details]


def _fields(failure: Failure, frame: pd.DataFrame) -> list:
    meta = failure.meta
    if "field_from" in meta:
        return frame[meta["field_from"]].iloc[failure.rows].astype("string").tolist()
    return [meta.get("field") or failure.kwargs.get("column")] * len(failure.rows)


def _details(failure: Failure, frame: pd.DataFrame, fields: list) -> list[str]:
    if "detail_from" in failure.meta:
        return frame[failure.meta["detail_from"]].iloc[failure.rows].astype("string").tolist()
    template = failure.meta["detail"]
    return [template.format(field=f.replace(";", ", "), format="") for f in fields]


def findings_for(
    kind: str,
    failures: list[Failure],
    frame: pd.DataFrame,
    record_id: str,
    expand: dict[str, list[str]] | None = None,
) -> pd.DataFrame:
    """The findings raised by ``failures`` over ``frame`` (row positions), one per row × expectation.

    ``record_id`` names the frame's record key; a frame without it (the column-level kind) gives
    findings with an empty record id.  ``expand`` maps a joined-text fact to the columns it joins,
    so that a scan finding names the column that holds the code."""
    parts = []
    for failure in failures:
        meta = failure.meta
        picked = frame.iloc[failure.rows]
        if "column_list" in failure.kwargs:
            fields, details = _located(failure, frame, expand or {})
        else:
            fields = _fields(failure, frame)
            details = _details(failure, frame, fields)
        ids = picked[record_id].astype("string").fillna("") if record_id in picked else ""
        parts.append(
            pd.DataFrame(
                {
                    "record_kind": kind,
                    "source_file": picked["source_file"].to_numpy(),
                    "source_row": picked["source_row"].to_numpy(),
                    "record_id": ids if isinstance(ids, str) else ids.to_numpy(),
                    "record_position": failure.rows,
                    "rule_id": meta["rule_id"],
                    "procedure_section": meta["procedure_section"],
                    "severity": meta["severity"],
                    "action": meta["action"],
                    "field": fields,
                    "detail": details,
                    "reason_en": meta["reason_en"],
                    "reason_lv": meta["reason_lv"],
                    "expectations": failure.described,
                }
            )
        )
    return pd.concat(parts, ignore_index=True) if parts else empty_findings()


def empty_findings() -> pd.DataFrame:
    return pd.DataFrame(
        {
            c: pd.Series(dtype="int64" if c in ("source_row", "record_position") else "string")
            for c in [*FINDINGS_COLUMNS, *EXTRA_COLUMNS]
        }
    )


def _join(values: pd.Series, sep: str) -> str:
    return sep.join(dict.fromkeys(v for v in values if isinstance(v, str) and v))


def merge_findings(raw: pd.DataFrame) -> pd.DataFrame:
    """One row per record × rule: fields, details and expectations of a rule joined."""
    if raw.empty:
        return empty_findings()
    merged = (
        raw.groupby(_KEY, sort=False, dropna=False)
        .agg(
            procedure_section=("procedure_section", "first"),
            severity=("severity", "first"),
            action=("action", "first"),
            field=("field", lambda s: _join(s, ";")),
            detail=("detail", lambda s: _join(s, "; ")),
            record_position=("record_position", "first"),
            reason_en=("reason_en", "first"),
            reason_lv=("reason_lv", "first"),
            expectations=("expectations", lambda s: _join(s, "; ")),
        )
        .reset_index()
    )
    merged = merged.sort_values(["source_file", "source_row", "rule_id"], kind="stable")
    return merged[[*FINDINGS_COLUMNS, *EXTRA_COLUMNS]].reset_index(drop=True)

"""Findings: one row per record × rule, traced to the expectations that raised them.

Shaped as the ``findings.csv`` contract (design.md) — plus, in the frame, the columns the
workbook and notebooks need (kind, reasons, the expectations behind the finding).  ``detail``
says what is wrong and where, never the value: ``personal code (old format) in notes``.
"""

from __future__ import annotations

import pandas as pd

from zimes_audit.detect.personal_codes import code_format
from zimes_audit.errors import SuiteError

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


def _describe(config) -> str:
    kwargs = config.kwargs
    column = kwargs.get("column") or f"{kwargs.get('column_A')}/{kwargs.get('column_B')}"
    return f"{config.type}({column})"


def _fields(meta: dict, config, frame: pd.DataFrame, rows) -> pd.Series:
    if "field_from" in meta:
        return frame[meta["field_from"]].iloc[rows].astype("string").reset_index(drop=True)
    name = meta.get("field") or config.kwargs.get("column")
    return pd.Series([name] * len(rows), dtype="string")


def _details(meta: dict, config, frame: pd.DataFrame, rows, fields: pd.Series) -> pd.Series:
    template = meta["detail"]
    if "{format}" in template:
        values = frame[config.kwargs["column"]].iloc[rows]
        formats = [code_format(v) or "unknown format" for v in values]
    else:
        formats = [""] * len(rows)
    return pd.Series(
        [template.format(field=f, format=k) for f, k in zip(fields, formats, strict=True)],
        dtype="string",
    )


def findings_for(kind: str, result, frame: pd.DataFrame, record_id: str) -> pd.DataFrame:
    """The findings of one validation result over ``frame`` (positions = row order)."""
    parts = []
    for item in result.results:
        config = item.expectation_config
        if item.exception_info and item.exception_info.get("raised_exception"):
            raise SuiteError(problem=f"{_describe(config)} could not be evaluated")
        if item.success:
            continue
        rows = list(item.result.get("unexpected_index_list") or [])
        if not rows:
            continue
        meta = config.meta
        picked = frame.iloc[rows]
        fields = _fields(meta, config, frame, rows)
        parts.append(
            pd.DataFrame(
                {
                    "record_kind": kind,
                    "source_file": picked["source_file"].to_numpy(),
                    "source_row": picked["source_row"].to_numpy(),
                    "record_id": picked[record_id].astype("string").fillna("").to_numpy()
                    if record_id in picked
                    else "",
                    "record_position": rows,
                    "rule_id": meta["rule_id"],
                    "procedure_section": meta["procedure_section"],
                    "severity": meta["severity"],
                    "action": meta["action"],
                    "field": fields.to_numpy(),
                    "detail": _details(meta, config, frame, rows, fields).to_numpy(),
                    "reason_en": meta["reason_en"],
                    "reason_lv": meta["reason_lv"],
                    "expectations": _describe(config),
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

"""``manifest.json``: enough for an auditor to reproduce the run (docs/contracts.md).

Tool, GX and Python versions; policy, field map and suite file hashes; the audit date; every input's path,
SHA-256, kind, rows and detected format; counts per rule and action; start and end times; the
command line.  No personal values.
"""

from __future__ import annotations

import json
import platform
import re
import sys
from importlib.metadata import version
from pathlib import Path

from zimes_audit import __version__


def build_manifest(result, command: list[str] | None = None) -> dict:
    return {
        "tool": {"name": "zimes-audit", "version": __version__},
        "great_expectations_version": version("great_expectations"),
        "pandas_version": version("pandas"),
        "python_version": platform.python_version(),
        "command": command if command is not None else sys.argv,
        "as_of": result.as_of.isoformat(),
        "started": result.started.isoformat(timespec="seconds"),
        "finished": result.finished.isoformat(timespec="seconds"),
        "policy": {
            "path": result.policy.source,
            "sha256": result.policy.sha256,  # of the file's bytes, as the review re-hashes it
            **result.policy.terms(),
        },
        "field_map": result.field_map.summary() if result.field_map else None,
        "suites": [
            {
                "kind": s.kind,
                "name": s.name,
                "path": s.path,
                "sha256": s.sha256,
                "expectations": s.expectations,
            }
            for s in result.suites.values()
        ],
        "expectations_run": result.expectations_run,
        "inputs": [
            {
                "path": str(t.path.resolve()),
                "source": t.source,
                "sha256": t.sha256,
                "kind": t.kind,
                "rows": t.rows,
                "format": t.detected.format,
                "encoding": t.detected.encoding,
                "delimiter": t.detected.delimiter,
                "sheet": t.detected.sheet,
                "header_row": t.detected.header_row,
                "notes": list(t.notes),
            }
            for t in result.tables
        ],
        "findings": int(len(result.findings)),
        "counts_by_rule": result.counts_by_rule(),
        "counts_by_action": result.counts_by_action(),
    }


def write_manifest(path: Path, manifest: dict) -> Path:
    text = json.dumps(manifest, indent=2, ensure_ascii=False)
    # a file name that is not UTF-8 (in an input's path, the command line): its bytes as \xNN
    text = _NOT_UTF8.sub(lambda m: "\\\\x%02x" % (ord(m.group()) - 0xDC00), text)
    path.write_text(text + "\n", encoding="utf-8")
    return path


_NOT_UTF8 = re.compile("[\udc80-\udcff]")

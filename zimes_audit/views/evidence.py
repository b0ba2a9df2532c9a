"""What the notebooks show an auditor, read from a report folder (the audit runs once).

- :func:`run_facts`, :func:`policy_terms`, :func:`suites_applied` — the run as ``manifest.json``
  records it (same times, counts and hashes; the final folder name, never the staging folder);
- :func:`since_last_audit` — the comparison with the previous report, when there was one;
- :func:`report_files` — the outputs, and which exist in the folder;
- :func:`verdicts` — the auditor's review in three lines: inputs, suites, policy;
- :func:`setup_display` / :func:`short_hash` — how tables look in the HTML: no index column,
  "—" for a missing value, hashes shortened where a verdict must fit a screen.

>>> short_hash("a" * 64)
'aaaaaaaaaaaa…'
>>> short_hash(None)
'—'
>>> since_last_audit({"previous_report": None})["value"].tolist()
['no earlier audit']
>>> since_last_audit({"previous_report": {"path": "/r/2026-10-01", "new": 2, "resolved": 1}}
...                  ).values.tolist()
[['compared with the report', '2026-10-01'], ['new', '2'], ['resolved', '1']]
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

NA = "—"
HASH_SHOWN = 12  # hex digits shown where a table must fit a screen


def short_hash(value: object) -> str:
    """The first :data:`HASH_SHOWN` hex digits of a SHA-256 and an ellipsis (``—`` if none)."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return NA
    text = str(value)
    return text[:HASH_SHOWN] + "…" if len(text) > HASH_SHOWN else text


def _is_hash(value: object) -> bool:
    return (
        isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)
    )


def for_screen(table: pd.DataFrame) -> pd.DataFrame:
    """A table that fits a screen: its verdict (``status``) column first, every SHA-256
    shortened to :data:`HASH_SHOWN` digits.

    >>> t = pd.DataFrame({"file": ["a.csv"], "sha256": ["0" * 64], "status": ["match"]})
    >>> for_screen(t).columns.tolist(), for_screen(t).loc[0, "sha256"]
    (['status', 'file', 'sha256'], '000000000000…')
    """
    out = table.copy()
    for column in out.columns:
        out[column] = out[column].map(lambda v: short_hash(v) if _is_hash(v) else v)
    if "status" in out.columns:
        out = out[["status", *[c for c in out.columns if c != "status"]]]
    return out


def html_table(frame: pd.DataFrame) -> str:
    """A DataFrame as an HTML table without the pandas index, missing values as ``—``.

    >>> t = pd.DataFrame({"a": pd.Series(["x", None], dtype="string"), "b": [1.0, None]})
    >>> "<NA>" in html_table(t) or "NaN" in html_table(t), html_table(t).count("—")
    (False, 2)
    """
    if not isinstance(frame.index, pd.RangeIndex) or frame.index.name is not None:
        frame = frame.reset_index()
    shown = frame.astype(object).where(frame.notna(), NA)  # NaN, NaT and <NA> alike
    return shown.to_html(index=False, border=0, classes="dataframe", escape=True)


def setup_display() -> None:
    """In a Jupyter kernel, show every DataFrame by :func:`html_table` (no index, ``—``)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with the kernel
        return
    shell = get_ipython()
    if shell is not None:
        formatter = shell.display_formatter.formatters["text/html"]
        formatter.for_type(pd.DataFrame, html_table)
        shell.display_formatter.formatters["text/plain"].for_type(
            pd.DataFrame, lambda frame, printer, cycle: printer.text(f"[table, {len(frame)} rows]")
        )


def latest_report(reports_root: str | Path = "reports") -> Path | None:
    """The newest report folder under ``reports_root`` (see :func:`review.latest_report`)."""
    from zimes_audit.views.review import latest_report as latest

    return latest(reports_root)


def folder_name(manifest: dict, folder: str | Path) -> str:
    """The report folder's final name as the manifest records it."""
    return manifest.get("report_folder") or Path(folder).name


def run_facts(manifest: dict, folder: str | Path) -> pd.DataFrame:
    """The run in a few lines, exactly as ``manifest.json`` records it."""
    inputs = manifest.get("inputs", [])
    rows = [
        ("report folder", folder_name(manifest, folder)),
        ("audit date (as of)", manifest.get("as_of")),
        ("started (UTC)", manifest.get("started")),
        ("finished (UTC)", manifest.get("finished")),
        ("input files", len(inputs)),
        ("records read", sum(int(i.get("rows", 0)) for i in inputs)),
        ("expectations run", manifest.get("expectations_run")),
        ("findings (record × rule)", manifest.get("findings")),
        ("zimes-audit version", manifest.get("tool", {}).get("version")),
        ("Great Expectations version", manifest.get("great_expectations_version")),
    ]
    return pd.DataFrame(rows, columns=["item", "value"]).astype({"value": "string"})


def policy_terms(manifest: dict) -> pd.DataFrame:
    """The policy terms applied, from the manifest (the labels are :mod:`review`'s)."""
    from zimes_audit.views.review import _term_rows

    policy = manifest.get("policy", {})
    rows = [
        ("audit date (as of)", manifest.get("as_of")),
        ("policy file", policy.get("path")),
        ("policy sha256", policy.get("sha256")),
        *_term_rows(policy),
    ]
    return pd.DataFrame(rows, columns=["term", "value"]).astype({"value": "string"})


def suites_applied(manifest: dict) -> pd.DataFrame:
    """Each suite the run applied: kind, name, file, SHA-256 and expectations."""
    return pd.DataFrame(
        [
            {
                "kind": s["kind"],
                "suite": s["name"],
                "file": Path(s["path"]).name,
                "sha256": s["sha256"],
                "expectations": s["expectations"],
            }
            for s in manifest.get("suites", [])
        ]
    )


def since_last_audit(manifest: dict) -> pd.DataFrame:
    """The comparison with the previous report (new / still open / resolved …), as the run
    recorded it in the manifest; "no earlier audit" when this is the first.

    The counts are whatever the run's comparison produced (``manifest["previous_report"]``); the
    audit history (SQLite) may add more keys — each is shown as one row.
    """
    previous = manifest.get("previous_report")
    if not previous:
        return pd.DataFrame(
            [("since the last audit", "no earlier audit")], columns=["item", "value"]
        )
    rows = [("compared with the report", Path(str(previous.get("path", ""))).name or NA)]
    rows += [
        (str(key).replace("_", " "), value)
        for key, value in previous.items()
        if key != "path" and not isinstance(value, dict | list)
    ]
    return pd.DataFrame(rows, columns=["item", "value"]).astype({"value": "string"})


def chart(folder: str | Path, manifest: dict, stem: str):
    """The run's chart PNG whose file name contains ``stem`` (e.g. ``"findings-by-rule"``),
    for display; the run wrote it (the notebook draws nothing)."""
    from IPython.display import Image

    (name,) = [n for n in manifest.get("charts", []) if stem in n]
    return Image(filename=str(Path(folder) / name))


def failed_expectations(expectations: pd.DataFrame) -> pd.DataFrame:
    """The expectations that failed, most unexpected records first."""
    failed = expectations[~expectations["success"].astype(bool)]
    return failed.sort_values("unexpected", ascending=False, kind="stable").drop(columns="success")


#: Outputs the notebook itself writes: they exist once its page is saved.
WRITTEN_BY_THE_NOTEBOOK = ("audit.ipynb", "audit.html")


def report_files(folder: str | Path, manifest: dict) -> pd.DataFrame:
    """Every output of the run, and whether it is in the report folder."""
    from zimes_audit.report.results import RESULT_TABLES, RESULTS_DIR
    from zimes_audit.report.run import REPORT_FILES

    folder = Path(folder)
    names = [*REPORT_FILES, *manifest.get("charts", [])]
    names += [f"{RESULTS_DIR}/{name}.parquet" for name in RESULT_TABLES]
    rows = []
    for name in names:
        if name in WRITTEN_BY_THE_NOTEBOOK:
            state = "this notebook"
        else:
            state = "present" if (folder / name).exists() else "absent"
        rows.append((name, state))
    table = pd.DataFrame(rows, columns=["output", "in the report folder"])
    table.attrs["folder"] = folder_name(manifest, folder)
    return table


# ------------------------------------------------------------------------- auditor's verdicts
def verdicts(report) -> pd.DataFrame:
    """The review's verdicts first: does each input, suite and the policy still match the
    manifest?  One row each, the verdict in the first column, hashes shortened."""
    from zimes_audit.views import review

    rows = []
    for _, row in review.check_inputs(report).iterrows():
        rows.append(
            (row["status"], "input", row["file"], row["sha256 (manifest)"], row["sha256 (now)"])
        )
    for _, row in review.check_suites(report).iterrows():
        rows.append(
            (
                row["status"],
                "suite",
                Path(row["path"]).name,
                row["sha256 (manifest)"],
                row["sha256 (now)"],
            )
        )
    policy = dict(review.check_policy(report).itertuples(index=False))
    rows.append(
        (
            policy.get("policy file status"),
            "policy",
            Path(str(policy.get("policy file"))).name,
            policy.get("policy sha256 (manifest)"),
            policy.get("policy sha256 (now)"),
        )
    )
    table = pd.DataFrame(
        rows, columns=["verdict", "what", "file", "sha256 (manifest)", "sha256 (now)"]
    )
    for column in ("sha256 (manifest)", "sha256 (now)"):
        table[column] = table[column].map(short_hash)
    return table


def overall_verdict(table: pd.DataFrame) -> str:
    """One sentence: everything matches, or what does not."""
    from zimes_audit.views.review import MATCH

    bad = table[table["verdict"] != MATCH]
    if bad.empty:
        return "Every input, suite and the policy match the manifest."
    return "Does not match the manifest: " + ", ".join(
        f"{w} {f} ({v})" for v, w, f in bad[["verdict", "what", "file"]].itertuples(index=False)
    )

"""What the notebooks show an auditor, read from a report folder (the audit runs once).

- :func:`run_facts`, :func:`policy_terms`, :func:`suites_applied` — the run as ``manifest.json``
  records it (same times, counts and hashes; the final folder name, never the staging folder);
- :func:`since_last_audit`, :func:`exceptions_by_rule` — the run against the previous run of the
  same inputs (the audit history), and the exceptions accepted;
- :func:`report_files` — the outputs, and which exist in the folder;
- :func:`verdicts` — the auditor's review in three lines: inputs, suites, policy;
- :func:`setup_display` / :func:`short_hash` — how tables look in the HTML: no index column,
  "—" for a missing value, hashes shortened where a verdict must fit a screen.

>>> short_hash("a" * 64)
'aaaaaaaaaaaa…'
>>> short_hash(None)
'—'
>>> since_last_audit({"previous_run": {"run_id": "2026-10-01-ab12cd", "as_of": "2026-10-01",
...     "path": "/r/2026-10-01"}, "since_last_run": {"resolved": 1, "new": 2}}).values.tolist()
[['compared with the run', '2026-10-01-ab12cd (audit date 2026-10-01, folder 2026-10-01)'], ['resolved (gone since the last run)', '1'], ['new', '2']]
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from zimes_audit.report.layout import NOTEBOOK, NOTEBOOK_HTML

NA = "—"
HASH_SHOWN = 12  # hex digits shown where a table must fit a screen
ROWS_SHOWN = 500  # rows of one table shown in the HTML; the rest are counted, not listed


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


def html_table(frame: pd.DataFrame, page=None) -> str:
    """A DataFrame as an HTML table without the pandas index (a named one becomes a column),
    missing values as ``—``; with a :class:`~zimes_audit.views.page.Page`, in its words.

    >>> t = pd.DataFrame({"a": pd.Series(["x", None], dtype="string"), "b": [1.0, None]})
    >>> "<NA>" in html_table(t) or "NaN" in html_table(t), html_table(t).count("—")
    (False, 2)

    A long table shows its first :data:`ROWS_SHOWN` rows and counts the rest:

    >>> long = html_table(pd.DataFrame({"a": range(ROWS_SHOWN + 7)}))
    >>> long.count("<td>"), long.endswith("… and 7 more rows.</em></p>")
    (500, True)
    >>> from zimes_audit.views.page import Page
    >>> html_table(pd.DataFrame({"a": range(ROWS_SHOWN + 1)}), Page("lv")).endswith(
    ...     "… un vēl 1 rinda (šeit nav parādīta).</em></p>")
    True

    A sorted table's row numbers are not shown (no ``index`` column):

    >>> "index" in html_table(pd.DataFrame({"a": [2, 1]}).sort_values("a"))
    False

    An empty table keeps its headings (what it would list) and says that it is empty:

    >>> html_table(pd.DataFrame(columns=["rule_id"]), Page("lv")).endswith(
    ...     "<p><em>Šajā pārskatā tādu nav.</em></p>")
    True
    """
    unnamed = all(name is None for name in frame.index.names)
    if not isinstance(frame.index, pd.RangeIndex) or not unnamed:
        frame = frame.reset_index(drop=unnamed)  # a sorted table's row numbers are no column
    if page is not None:
        frame = page.table(frame)
    rest = len(frame) - ROWS_SHOWN
    frame = frame.head(ROWS_SHOWN)
    shown = frame.astype(object).where(frame.notna(), NA)  # NaN, NaT and <NA> alike
    html = shown.to_html(index=False, border=0, classes="dataframe", escape=True)
    if rest > 0:  # a page stays readable: the workbook and results/ hold every row
        more = page.say("more_rows", count=rest) if page else f"… and {rest:,} more rows."
        html += f"<p><em>{more}</em></p>"
    if frame.empty:  # headings alone read as a table that failed to load
        html += f"<p><em>{page.say('no_rows') if page else 'None in this report.'}</em></p>"
    return html


def setup_display(page=None) -> None:
    """In a Jupyter kernel, show every DataFrame by :func:`html_table` (no index, ``—``), in
    the words of ``page`` (:class:`~zimes_audit.views.page.Page`) when given."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with the kernel
        return
    shell = get_ipython()
    if shell is not None:
        formatter = shell.display_formatter.formatters["text/html"]
        formatter.for_type(pd.DataFrame, lambda frame: html_table(frame, page))
        shell.display_formatter.formatters["text/plain"].for_type(
            pd.DataFrame, lambda frame, printer, cycle: printer.text(f"[table, {len(frame)} rows]")
        )


def latest_report(reports_root: str | Path = "reports") -> Path | None:
    """The newest report folder under ``reports_root`` (see
    :func:`zimes_audit.report.reports.latest_report`)."""
    from zimes_audit.report.reports import latest_report as latest

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
    """The policy terms applied, from the manifest (the labels are the rule catalogue's)."""
    from zimes_audit.procedure.rules import term_rows

    policy = manifest.get("policy", {})
    rows = [
        ("audit date (as of)", manifest.get("as_of")),
        ("policy file", policy.get("path")),
        ("policy sha256", policy.get("sha256")),
        *term_rows(policy),
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


#: The counts ``since_last_run`` holds (the history's comparison), in the order shown.
SINCE_LAST_RUN = {
    "resolved": "resolved (gone since the last run)",
    "new": "new",
    "still_open": "still open",
    "overdue": "overdue (past the due date)",
    "most_overdue_days": "most overdue (days)",
    "exceptions": "accepted exceptions",
    "done_still_present": "marked done but still present",
}
#: Counts that only mean something against a previous run.
AGAINST_PREVIOUS = ("resolved", "still_open")


def since_last_audit(manifest: dict) -> pd.DataFrame:
    """The run against the previous run of the same inputs, as the run recorded it in the
    manifest (``previous_run`` and ``since_last_run``, from the audit history).

    >>> since_last_audit({"previous_run": None, "since_last_run": {"new": 3, "resolved": 0,
    ...                   "overdue": 0}}).values.tolist()
    [['compared with', 'no earlier audit of these inputs'], ['new', '3'], ['overdue (past the due date)', '0']]
    """
    previous = manifest.get("previous_run")
    counts = manifest.get("since_last_run") or {}
    if previous:
        shown = f"{previous.get('run_id')} (audit date {previous.get('as_of')}, "
        shown += f"folder {Path(str(previous.get('path', ''))).name or NA})"
        rows = [("compared with the run", shown)]
    else:
        rows = [("compared with", "no earlier audit of these inputs")]
    rows += [
        (label, counts[key])
        for key, label in SINCE_LAST_RUN.items()
        if key in counts and (previous or key not in AGAINST_PREVIOUS)
    ]
    return pd.DataFrame(rows, columns=["item", "value"]).astype({"value": "string"})


def trend_shown(trend: pd.DataFrame) -> pd.DataFrame:
    """The saved trend (``results/trend.parquet``) as the notebook shows it: audit dates as
    ``YYYY-MM-DD``, the runs oldest first.

    >>> trend_shown(pd.DataFrame({"run_id": ["r1"], "as_of": pd.to_datetime(["2026-11-01"]),
    ...                           "findings": [4]})).values.tolist()
    [['r1', '2026-11-01', 4]]
    """
    return trend.assign(as_of=pd.to_datetime(trend["as_of"]).dt.strftime("%Y-%m-%d"))


def exceptions_by_rule(exceptions: pd.DataFrame) -> pd.DataFrame:
    """The accepted exceptions (``results/exceptions.parquet``, customer masked) counted per
    rule: how many, for how many records, and the first to expire.

    >>> t = pd.DataFrame({"rule_id": ["CONSENT-MISSING", "CONSENT-MISSING"], "§": ["11", "11"],
    ...     "action": ["OBTAIN_CONSENT"] * 2, "record_id": ["K-1", "K-2"],
    ...     "expires": ["2027-06-01", None]})
    >>> exceptions_by_rule(t).values.tolist()
    [['CONSENT-MISSING', '11', 'OBTAIN_CONSENT', 2, 2, '2027-06-01']]
    """
    columns = ["rule_id", "§", "action", "exceptions", "records", "first expiry"]
    if exceptions.empty:
        return pd.DataFrame(columns=columns)
    table = (
        exceptions.groupby(["rule_id", "§", "action"], sort=False, dropna=False)
        .agg(
            exceptions=("rule_id", "size"),
            records=("record_id", "nunique"),
            expiry=("expires", "min"),
        )
        .reset_index()
    )
    table.columns = columns
    return table


def chart(folder: str | Path, manifest: dict, stem: str):
    """The run's chart PNG whose file name contains ``stem`` (e.g. ``"findings-by-rule"``),
    for display; the run wrote it (the notebook draws nothing)."""
    from IPython.display import Image

    (name,) = [n for n in manifest.get("charts", []) if stem in n]
    return Image(filename=str(Path(folder) / name))


def failed_expectations(expectations: pd.DataFrame) -> pd.DataFrame:
    """The expectations that failed, most unexpected records first."""
    failed = expectations[~expectations["success"].astype(bool)]
    failed = failed.sort_values("unexpected", ascending=False, kind="stable")
    return failed.drop(columns="success").reset_index(drop=True)


#: Outputs the notebook itself writes: they exist once its page is saved.
WRITTEN_BY_THE_NOTEBOOK = (NOTEBOOK, NOTEBOOK_HTML)


def report_files(folder: str | Path, manifest: dict) -> pd.DataFrame:
    """Every output of the run, and whether it is in the report folder."""
    from zimes_audit.report.layout import REPORT_FILES, RESULT_TABLES, RESULTS_DIR

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
    from zimes_audit.report.reports import check_inputs, check_policy, check_suites

    rows = []
    for _, row in check_inputs(report).iterrows():
        rows.append(
            (row["status"], "input", row["file"], row["sha256 (manifest)"], row["sha256 (now)"])
        )
    for _, row in check_suites(report).iterrows():
        rows.append(
            (
                row["status"],
                "suite",
                Path(row["path"]).name,
                row["sha256 (manifest)"],
                row["sha256 (now)"],
            )
        )
    policy = dict(check_policy(report).itertuples(index=False))
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


def overall_verdict(table: pd.DataFrame, page=None) -> str:
    """One sentence: everything matches, or what does not (in the words of ``page``, a
    :class:`~zimes_audit.views.page.Page` of the review; English without one).

    >>> from zimes_audit.views.page import Page
    >>> t = pd.DataFrame({"verdict": ["MISMATCH"], "what": ["input"], "file": ["a.csv"]})
    >>> overall_verdict(t, Page("lv", "review"))
    'Nesakrīt ar manifestu: ievaddati a.csv (NESAKRĪT).'
    >>> overall_verdict(t.assign(verdict="match"))
    'Every input, suite and the policy match the manifest.'
    """
    from zimes_audit.report.reports import MATCH
    from zimes_audit.views.page import Page

    page = page or Page("en", "review")
    bad = table[table["verdict"] != MATCH]
    if bad.empty:
        return page.say("all_match")
    what = ", ".join(
        f"{page.cell(w)} {f} ({page.cell(v)})"
        for v, w, f in bad[["verdict", "what", "file"]].itertuples(index=False)
    )
    return page.say("mismatch", what=what)

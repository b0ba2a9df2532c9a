"""The auditor's evidence: one audit per run, a notebook page that states the manifest's figures,
Data Docs that cite the procedure and load nothing from the network, and `zimes-audit review`.

The report is built from files shaped as people keep them (semicolon CSV with a BOM, an XLSX
register with a title row), not only from `zimes-audit sample`.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from cli_runner import invoke
from conftest import AS_OF
from test_run import PERSONAL_VALUES, write_inputs

from zimes_audit.checks.findings import FINDINGS_COLUMNS
from zimes_audit.report.results import RESULT_TABLES, load_results
from zimes_audit.views.page import Page

LV = Page("lv")  # audit.html is Latvian by default: its headings and words as the catalogue says
H, W = LV.column, LV.cell


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    """A default run (notebook executed) into reports/<as-of>/, the way `zimes-audit run` does."""
    from zimes_audit.report.run import RunRequest, run_report

    base = tmp_path_factory.mktemp("evidence")
    inputs = write_inputs(base / "inputs")
    folder, result = run_report(RunRequest([str(inputs)], AS_OF, reports_root=base / "reports"))
    return folder, result


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text("utf-8"))


def _page(folder: Path) -> BeautifulSoup:
    return BeautifulSoup((folder / "audit.html").read_text("utf-8"), "html.parser")


def _table_after(soup: BeautifulSoup, cell_tag: str) -> pd.DataFrame:
    """The table a tagged notebook cell displayed in audit.html."""
    (cell,) = soup.select(f"div.celltag_{cell_tag}")
    table = cell.find("table")
    header = [th.get_text(strip=True) for th in table.find("thead").find_all("th")]
    rows = [
        [td.get_text(strip=True) for td in tr.find_all(["td", "th"])]
        for tr in table.find("tbody").find_all("tr")
    ]
    return pd.DataFrame(rows, columns=header)


# ----------------------------------------------------------------------------- audit once
def test_the_run_saves_results_the_notebook_reads(first):
    folder, result = first
    saved = load_results(folder)
    assert set(saved.tables) == set(RESULT_TABLES)
    csv = pd.read_csv(folder / "findings.csv", dtype="string", keep_default_na=False)
    findings = saved["findings"]
    assert list(findings.columns[: len(FINDINGS_COLUMNS)]) == FINDINGS_COLUMNS
    assert len(findings) == len(csv) == len(result.findings)
    assert sorted(findings["rule_id"]) == sorted(csv["rule_id"])
    assert {p.name for p in folder.glob("chart-*.png")} == set(_manifest(folder)["charts"])


def test_saved_results_hold_no_personal_value(first):
    folder, _ = first
    texts = []
    for path in (folder / "results").glob("*.parquet"):
        frame = pd.read_parquet(path)
        texts += [str(v) for c in frame.columns for v in frame[c].tolist()]
    blob = "\n".join(texts)
    assert "REDACT_FIELD" in blob  # the tables were read
    assert [v for v in PERSONAL_VALUES if v in blob] == []


def test_audit_html_states_the_manifests_times_counts_and_hashes(first):
    folder, _ = first
    manifest = _manifest(folder)
    facts = dict(_table_after(_page(folder), "run-facts").itertuples(index=False))
    assert facts[W("report folder")] == folder.name == AS_OF.isoformat()
    assert facts[W("audit date (as of)")] == LV.date(manifest["as_of"]) == f"{AS_OF:%d.%m.%Y}"
    assert facts[W("started (UTC)")] == LV.date(manifest["started"])
    assert facts[W("finished (UTC)")] == LV.date(manifest["finished"])
    assert int(facts[W("findings (record × rule)")]) == manifest["findings"]
    assert int(facts[W("expectations run")]) == manifest["expectations_run"]
    assert int(facts[W("records read")]) == sum(i["rows"] for i in manifest["inputs"])
    inputs = _table_after(_page(folder), "inputs")
    assert sorted(inputs[H("sha256")]) == sorted(i["sha256"] for i in manifest["inputs"])
    assert sorted(inputs[H("rows")].astype(int)) == sorted(i["rows"] for i in manifest["inputs"])
    html = (folder / "audit.html").read_text("utf-8")
    assert manifest["policy"]["sha256"] in html
    for suite in manifest["suites"]:
        assert suite["sha256"] in html
    by_rule = _table_after(_page(folder), "findings-by-rule").set_index(H("rule_id"))[H("total")]
    shown = {rule: int(n) for rule, n in by_rule.items() if int(n)}
    assert shown == manifest["counts_by_rule"]


def test_audit_html_names_the_final_folder_and_no_staging_path(first):
    folder, _ = first
    for name in ("audit.html", "audit.ipynb"):
        text = (folder / name).read_text("utf-8")
        assert ".partial" not in text and "partial-" not in text, name
        assert str(folder.parent) not in text, f"{name} shows an absolute report path"
    assert "<title>" in (folder / "audit.html").read_text("utf-8")
    assert folder.name in _page(folder).title.get_text()


def test_every_file_audit_html_lists_as_present_exists(first):
    folder, _ = first
    files = _table_after(_page(folder), "report-files")
    state, output = files[H("in the report folder")], files[H("output")]
    present = output[state == W("present")].tolist()
    assert "manifest.json" in present and "data-docs" in present and len(present) >= 15
    for name in present:
        assert (folder / name).exists(), name
    listed_later = output[state == W("this notebook")]
    assert sorted(listed_later) == ["audit.html", "audit.ipynb"]
    assert all((folder / n).exists() for n in listed_later)
    assert W("absent") not in set(state)


def test_audit_html_shows_no_code_no_index_and_a_dash_for_missing(first):
    folder, _ = first
    soup = _page(folder)
    assert soup.select("div.jp-CodeCell .jp-InputArea") == []  # code cells are not shown
    for table in soup.select("table.dataframe"):
        first_header = table.find("thead").find("th")
        assert first_header.get_text(strip=True) != "", "a pandas index column is shown"
    assert "NaN" not in soup.get_text() and "<NA>" not in soup.get_text()


def test_audit_html_shows_failed_expectations_and_the_procedure_gaps(first):
    folder, result = first
    soup = _page(folder)
    failed = _table_after(soup, "failed-expectations")
    assert set(failed[H("rule_id")]) <= set(result.counts_by_rule())
    assert "FIELD-UNPERMITTED" in set(failed[H("rule_id")])
    assert "index" not in failed.columns
    gaps = _table_after(soup, "procedure-gaps")
    assert len(gaps) == 7 and all(c.isdigit() for c in gaps[H("count")])
    since = dict(_table_after(soup, "since-last-audit").itertuples(index=False))
    assert since[W("compared with")] == W("no earlier audit of these inputs")
    assert int(since[W("new")]) == _manifest(folder)["since_last_run"]["new"]
    assert int(since[W("new")]) == len(result.findings)
    assert W("resolved (gone since the last run)") not in since  # nothing to resolve against


@pytest.fixture(scope="module")
def second_month(months):
    """Two monthly runs into one history, as the administrator works (test_monthly's loop,
    played once for both files): month 1 (no notebook), the workbook filled in (an exception
    with a note, a false "deleted", a real deletion), month 2 with the notebook."""
    _, runs = months
    return runs[0], runs[1]


def test_since_the_last_audit_shows_the_histories_counts_and_previous_run(second_month):
    (month1, _), (month2, _) = second_month
    manifest = _manifest(month2)
    counts, previous = manifest["since_last_run"], manifest["previous_run"]
    assert previous["run_id"] == _manifest(month1)["run_id"]
    assert counts["resolved"] == 1 and counts["exceptions"] == 1
    assert counts["done_still_present"] == 1
    since = dict(_table_after(_page(month2), "since-last-audit").itertuples(index=False))
    compared = since[W("compared with the run")]
    assert compared.startswith(previous["run_id"])
    assert "audita datums 01.11.2026" in compared
    assert f"mape {month1.name}" in compared
    for key, label in {
        "resolved": "resolved (gone since the last run)",
        "new": "new",
        "still_open": "still open",
        "overdue": "overdue (past the due date)",
        "exceptions": "accepted exceptions",
        "done_still_present": "marked done but still present",
    }.items():
        assert int(since[W(label)]) == counts[key], key


def test_the_trend_covers_the_recorded_runs_and_is_drawn_by_the_run(second_month):
    (month1, _), (month2, _) = second_month
    saved = load_results(month2)["trend"]
    assert saved["as_of"].dt.strftime("%Y-%m-%d").tolist() == ["2026-11-01", "2026-12-05"]
    assert saved["run_id"].tolist() == [_manifest(month1)["run_id"], _manifest(month2)["run_id"]]
    counted = [_manifest(month)["findings"] for month in (month1, month2)]
    assert saved["findings"].tolist() == counted and all(counted)
    assert saved["resolved"].tolist() == [0, 1]
    shown = _table_after(_page(month2), "trend")
    assert shown[H("findings")].astype(int).tolist() == saved["findings"].tolist()
    assert shown[H("as_of")].tolist() == ["01.11.2026", "05.12.2026"]
    assert "chart-findings-trend.png" in _manifest(month2)["charts"]
    assert (month2 / "chart-findings-trend.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert any(
        img.get("src", "").startswith("data:image/png")
        for img in _page(month2).select("div.celltag_chart img")
    )


def test_accepted_exceptions_are_listed_by_rule_masked(second_month):
    from test_monthly import NOTE, PERSONAL

    (_, _), (month2, _) = second_month
    by_rule = _table_after(_page(month2), "exceptions-by-rule")
    assert by_rule[[H("rule_id"), H("exceptions")]].values.tolist() == [["CONSENT-MISSING", "1"]]
    listed = _table_after(_page(month2), "exceptions")
    assert listed[H("record_id")].tolist() == ["K-00002"]
    # the file the exception is in, so the field is named by that file's heading alone
    assert listed[H("source_file")].tolist() == ["klienti.xlsx"]
    assert listed[H("field")].tolist() == ["Piekrišana"]
    assert listed[H("note")].tolist() == [NOTE] and listed[H("decided_by")].tolist() == ["IK"]
    customer = listed[H("customer")].iloc[0]
    assert customer != "Līga Ozoliņa" and "*" in customer
    page = (month2 / "audit.html").read_text("utf-8")
    saved = "".join(
        load_results(month2)[name].astype("string").to_csv() for name in ("trend", "exceptions")
    )
    for value in PERSONAL:
        assert value not in page and value not in saved, value


# ----------------------------------------------------------------------------- Data Docs
ASSET_TAGS = {"script": "src", "link": "href", "img": "src"}
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


def _assets(page: Path) -> list[str]:
    soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
    found = [
        tag[attr]
        for name, attr in ASSET_TAGS.items()
        for tag in soup.find_all(name)
        if tag.get(attr) and not (name == "link" and "stylesheet" not in tag.get("rel", []))
    ]
    found += [tag["href"] for tag in soup.find_all("link", rel="icon") if tag.get("href")]
    return found


def _local(base: Path, url: str) -> Path | None:
    parts = urlsplit(url)
    if parts.scheme or url.startswith("//"):
        return None
    return (base.parent / unquote(parts.path)).resolve()


def test_data_docs_load_every_asset_from_the_report_folder(first):
    folder, _ = first
    docs = folder / "data-docs"
    pages = sorted(docs.rglob("*.html"))
    assert len(pages) >= 5  # index, two suites, two validations
    checked = 0
    for page in pages:
        for url in _assets(page):
            assert not url.startswith(("http://", "https://", "//")), f"{page.name}: {url}"
            path = _local(page, url)
            assert path is not None and path.is_file(), f"{page.name}: {url}"
            assert folder.resolve() in path.parents
            checked += 1
    assert checked > 10 * len(pages) // 2
    for css in docs.rglob("*.css"):
        for url in CSS_URL.findall(css.read_text("utf-8", errors="replace")):
            if url.startswith("data:") or url.startswith("#"):
                continue
            assert not url.startswith(("http://", "https://", "//")), f"{css.name}: {url}"
            assert _local(css, url).is_file(), f"{css.name}: {url}"


def test_data_docs_cite_rule_section_and_action(first):
    folder, _ = first
    validations = sorted((folder / "data-docs" / "validations").rglob("*.html"))
    pages = {page.stem: page for page in validations}
    assert sorted(pages) == ["columns", "orders", "register"]  # the three suites, each validated
    expected = {  # the action by its Latvian name, as on the workbook
        "orders": "FIELD-UNPERMITTED · § 6, 8 · Notīrīt lauku",
        "register": "FIELD-UNPERMITTED · § 6, 8 · Notīrīt lauku",
        "columns": "FIELD-UNCLASSIFIED · § 6 · Klasificēt kolonnu",
    }
    assets = {
        "orders": r"orders records",
        "register": r"register records",
        "columns": r"input columns, one row per file × heading",
    }
    for kind, page in pages.items():
        soup = BeautifulSoup(page.read_text("utf-8"), "html.parser")
        text = soup.get_text(" ")
        assert LV.say("data_docs_citation") in text, kind  # the run's language (lv)
        assert expected[kind] in text, kind
        assert "Rule · § · action" not in text
        assert not re.search(r"· (REDACT_FIELD|FIX_DATA|REVIEW|DELETE|CLASSIFY_FIELD)\b", text)
        if kind != "columns":  # FIELD-UNPERMITTED's reason, in Latvian
            assert "ko procedūra neatļauj (6.)" in text, kind
        assert "Data asset: None" not in text
        assert re.search(r"Data asset:\s+" + assets[kind], text), kind
        assert "$PARAMETER" not in text and "(**{" not in text  # no raw rendering
    suites = sorted((folder / "data-docs" / "expectations").rglob("*.html"))
    texts = [page.read_text("utf-8") for page in suites]
    assert len(texts) == 3
    assert sum("RETENTION-EXPIRED · § 10.1.1 · DELETE" in text for text in texts) == 2
    assert sum("FIELD-UNCLASSIFIED · § 6 · CLASSIFY_FIELD" in text for text in texts) == 1
    assert not any("(**{" in text for text in texts)
    orders = next(p for p in validations if "orders" in p.name).read_text("utf-8")
    assert "must not have passed by the audit date" in orders  # a custom expectation's sentence


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(_chromium() is None, reason="Debian's chromium is not installed")
def test_data_docs_render_offline_in_headless_chromium(first, tmp_path):
    """The index page builds its table of validations with the vendored jquery/bootstrap-table,
    with every network access off: the DOM after scripts ran lists both validations."""
    folder, _ = first
    index = folder / "data-docs" / "index.html"
    done = subprocess.run(
        [
            _chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--proxy-server=http://127.0.0.1:9",  # any network access fails
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--virtual-time-budget=5000",
            "--dump-dom",
            index.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-500:]
    dom = BeautifulSoup(done.stdout, "html.parser")
    assert dom.select(".bootstrap-table"), "bootstrap-table did not run: scripts not loaded"
    text = dom.get_text(" ")
    assert "zimes_orders" in text and "zimes_register" in text


# ----------------------------------------------------------------------------- review
def test_zimes_audit_review_writes_the_review_beside_the_report(first):
    folder, _ = first
    done = invoke("review", str(folder), "--lang", "en")
    assert done.returncode == 0, done.stderr
    html = folder.parent / f"{folder.name}-review.html"
    assert html.is_file() and html.with_suffix(".ipynb").is_file()
    assert not (folder / f"{folder.name}-review.html").exists()  # the report folder is unchanged
    soup = BeautifulSoup(html.read_text("utf-8"), "html.parser")
    assert soup.html["lang"] == "en"
    headings = [h.get_text(strip=True) for h in soup.find_all(["h1", "h2"])]
    assert headings[1].startswith("Verdicts"), headings  # first after the title
    verdicts = _table_after(soup, "verdicts")
    assert verdicts.columns[0] == "verdict"
    assert set(verdicts["what"]) == {"input", "suite", "policy"}
    assert set(verdicts["verdict"]) == {"match"}
    assert max(len(cell) for row in verdicts.itertuples(index=False) for cell in row) < 40
    assert "Every input, suite and the policy match the manifest." in soup.get_text()
    again = invoke("review", str(folder), "--out", str(html))
    assert again.returncode == 2 and "jau pastāv" in again.stderr  # Latvian, the default


def test_zimes_audit_review_refuses_a_folder_that_is_not_a_report(tmp_path):
    done = invoke("review", str(tmp_path))
    assert done.returncode == 2
    assert done.stderr.strip().endswith("nav pārskata mape (tajā nav manifest.json).")
    assert "Traceback" not in done.stderr

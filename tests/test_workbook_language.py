"""The workbook speaks one language throughout (issue 28): the sample's workbook, written in
Latvian and in English and read back with openpyxl, holds no word of the other language and no
internal field name outside the administrator's own headings and values; Latvian counts agree
with their numbers; printed through LibreOffice, no status text is cut off."""

from __future__ import annotations

import re
import shutil
import subprocess

import openpyxl
import pandas as pd
import pytest
from conftest import AS_OF

from zimes_audit.procedure.catalogue import load_catalogue
from zimes_audit.procedure.rules import load_rules
from zimes_audit.report import workbook
from zimes_audit.report.run import input_facts
from zimes_audit.words.labels import labels

# a file of a previous month, no longer among the inputs: its resolved findings' fields are
# named by the heading a file of the same kind gives them
OLD_REGISTER = "klienti-2026-10.xlsx"
# columns whose cells are the administrator's own values (names, contacts, files, ids)
OWN_VALUES = {"record_id", "name", "email", "phone", "source_file", "key"}
ENGLISH = ["personal", "skipped", "resolution", "field", "in", "not a data file", "the", "orders",
           "records", "customers", "still", "delete", "clear", "value"]  # fmt: skip
LATVIAN = ["laukā", "ierakst", "pasūtījum", "klient", "izslēgt", "notīrīt", "dzēst", "rind",
           "nokavēt", "atzīmēt", "risinājum", "izlaist", "nav", "kolonn"]  # fmt: skip
# word forms that take one number form only (the singular after 1, 21, 31, 101 …)
LV_ONE = {"pasūtījumam", "rindai", "ierakstam", "klientam", "klienta", "rinda", "pasūtījums"}
LV_OTHER = {"pasūtījumiem", "rindām", "ierakstiem", "klientiem", "klientus", "ierakstus",
            "pasūtījumus", "rindas", "pasūtījumi"}  # fmt: skip
EN_ONE = {"order", "row", "record"}
EN_OTHER = {"orders", "rows", "records", "customers"}


def _lv_singular(n: int) -> bool:
    return n % 10 == 1 and n % 100 != 11


def _tracking(result) -> workbook.Tracking:
    """Every finding new but a few: one done but still present, one overdue; and a previous
    month's findings, now gone, on the Resolved sheet (fields by their canonical names)."""
    tracking = workbook._default_tracking(result.findings)
    tracking.status.iloc[0] = "done_still_present"
    tracking.days_overdue.iloc[1] = 12
    tracking.status.iloc[1] = "overdue"
    register = result.findings[result.findings["record_kind"] == "register"].head(3)
    resolved = register.assign(
        finding_key=[f"gone-{i}" for i in range(len(register))],
        source_file=OLD_REGISTER,
        field=["relationship_end", "marketing_opt_in", "personal_code"][: len(register)],
        first_flagged=pd.Timestamp("2026-10-01"),
        due_date=pd.Timestamp("2026-10-15"),
    )
    tracking.resolved = resolved.reset_index(drop=True)
    return tracking


@pytest.fixture(scope="module")
def books(sample_audit, tmp_path_factory):
    """The sample's workbook in Latvian and English, with the headings of its files."""
    folder = tmp_path_factory.mktemp("language")
    headings = workbook.heading_map(sample_audit.tables)
    paths = {}
    for language in ("lv", "en"):
        facts = [(labels(language).summary("as_of"), AS_OF)]
        facts += input_facts(labels(language), sample_audit.tables)
        paths[language] = workbook.write_workbook(
            folder / f"workbook-{language}.xlsx", sample_audit.findings, sample_audit.frames,
            facts, tracking=_tracking(sample_audit), view=workbook.View(language, headings),
        )  # fmt: skip
    own = {str(h) for h in headings.values()} | {t.source for t in sample_audit.tables}
    own |= {s.name for s in sample_audit.tables.skipped} | {
        OLD_REGISTER,
        "Mozello",
        "zimes-fields.toml",
    }
    own |= set(load_rules().rules)  # rule ids are codes, the same in both languages
    return folder, paths, sorted(own, key=len, reverse=True)


def _texts(path, own: list[str], language: str) -> list[tuple[str, str, str]]:
    """(sheet, cell, text) of every visible text cell but the administrator's own values, with
    the file's own headings and names taken out."""
    lab = labels(language)
    own_headings = {lab.heading(c) for c in OWN_VALUES}
    out = []
    for sheet in openpyxl.load_workbook(path, read_only=False):
        skip = {
            cell.column_letter
            for cell in sheet[1]
            if cell.value in own_headings or sheet.column_dimensions[cell.column_letter].hidden
        }
        for row in sheet.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str) or cell.column_letter in skip:
                    continue
                text = cell.value
                for name in own:
                    text = text.replace(name, " ")
                out.append((sheet.title, cell.coordinate, text))
    return out


def _hits(texts, words: list[str]) -> list:
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, words)) + r")", re.IGNORECASE)
    return [(s, c, t) for s, c, t in texts if pattern.search(t)]


def test_the_latvian_workbook_has_no_english_words(books):
    folder, paths, own = books
    texts = _texts(paths["lv"], own, "lv")
    assert len(texts) > 200
    hits = _hits(texts, [w for w in ENGLISH if w != "in"]) + [
        t for t in texts if re.search(r"(^|\s)in\s", t[2])
    ]
    assert not hits, hits[:10]


def test_the_english_workbook_has_no_latvian_words(books):
    folder, paths, own = books
    texts = _texts(paths["en"], own, "en")
    title = labels("en").summary("title")  # the company's name: SIA "ZĪMES"
    texts = [(s, c, t.replace('"ZĪMES"', "")) for s, c, t in texts if t]
    assert any(t == title.replace('"ZĪMES"', "") for _, _, t in texts)
    assert not _hits(texts, LATVIAN), _hits(texts, LATVIAN)[:10]
    diacritics = [t for t in texts if re.search("[āčēģīķļņšūž]", t[2], re.IGNORECASE)]
    assert not diacritics, diacritics[:10]


@pytest.mark.parametrize("language", ["lv", "en"])
def test_no_internal_field_name_outside_the_files_headings(books, language):
    folder, paths, own = books
    internal = [name for name in load_catalogue().fields if "_" in name and name not in own]
    assert {"relationship_end", "marketing_opt_in", "personal_code"} <= set(internal)
    texts = _texts(paths[language], own, language)
    hits = _hits(texts, internal)
    assert not hits, hits[:10]


def test_the_resolved_sheet_names_fields_by_the_files_headings(books):
    folder, paths, own = books
    sheet = openpyxl.load_workbook(paths["lv"])["Novērstie"]
    rows = list(sheet.iter_rows(values_only=True))
    at = rows[0].index("Lauks")
    assert {r[at] for r in rows[1:]} == {"Attiecību beigas", "Mārketinga piekrišana",
                                          "Personas kods"}  # fmt: skip


def _counts(texts, one: set[str], other: set[str]):
    """Every "<number> <word>" of the texts whose word has one number form only, and whether
    that number takes it."""
    found = []
    for _, _, text in texts:
        for number, word in re.findall(r"(\d+) (\w+)", text):
            if word.casefold() in one | other:
                found.append((int(number), word.casefold()))
    return found


def test_latvian_counts_agree_with_their_numbers(books):
    folder, paths, own = books
    found = _counts(_texts(paths["lv"], own, "lv"), LV_ONE, LV_OTHER)
    wrong = [(n, w) for n, w in found if _lv_singular(n) != (w in LV_ONE)]
    assert not wrong, wrong
    numbers = {n for n, _ in found}
    assert {1, 21} <= numbers and numbers & {2, 3, 7, 11}  # both forms, and 21 is singular
    assert (21, "pasūtījumam") in found and (1, "rindai") in found


def test_english_counts_agree_with_their_numbers(books):
    folder, paths, own = books
    found = _counts(_texts(paths["en"], own, "en"), EN_ONE, EN_OTHER)
    wrong = [(n, w) for n, w in found if (n == 1) != (w in EN_ONE)]
    assert not wrong, wrong
    assert {n for n, _ in found} >= {1, 21}


def test_dates_show_as_the_language_writes_them_and_headings_stay_in_their_row(books):
    folder, paths, own = books
    for language, shown in (("lv", "dd.mm.yyyy"), ("en", "yyyy-mm-dd")):
        book = openpyxl.load_workbook(paths[language])
        sheet = book[labels(language).sheet("flagged")]
        at = [c.value for c in sheet[1]].index(labels(language).heading("due_date")) + 1
        assert sheet.cell(2, at).number_format == shown
        assert isinstance(sheet.cell(2, at).value, type(pd.Timestamp(AS_OF).to_pydatetime()))
        # the header row is as tall as its longest wrapped heading ("Nokavētas dienas", 9 wide)
        assert sheet.row_dimensions[1].height >= 15 * 2


@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext")),
    reason="LibreOffice (soffice) and poppler-utils (pdftotext) are not installed; "
    "apt-get install -y libreoffice-calc poppler-utils",
)
def test_printed_status_and_action_texts_are_not_cut_off(books):
    folder, paths, own = books
    done = subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{folder}/lo", "--convert-to",
         "pdf", "--outdir", str(folder), str(paths["lv"]), str(paths["en"])],
        capture_output=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    for language in ("lv", "en"):
        lab = labels(language)
        printed = subprocess.run(
            ["pdftotext", "-layout", str(folder / f"workbook-{language}.pdf"), "-"],
            capture_output=True, text=True,
        ).stdout  # fmt: skip
        lines = printed.replace("\f", "\n").splitlines()
        flagged = openpyxl.load_workbook(paths[language])[lab.sheet("flagged")]
        heads = [c.value for c in flagged[1]]
        shown = set()
        for column in ("status", "action"):
            at = heads.index(lab.heading(column))
            shown |= {r[at] for r in flagged.iter_rows(min_row=2, values_only=True) if r[at]}
        assert lab.status("done_still_present") in shown
        cut = [text for text in shown if not any(text in line for line in lines)]
        assert not cut, (language, cut)
        # the pages say which columns they leave out: contact details on Flagged (minimisation)
        said = lab.table["print"]["left_out_personal"].split("{columns}")[0]
        notes = [line for line in lines if line.startswith(said)]
        assert any(lab.heading("email") in line for line in notes), notes[:2]


def _printed_columns(sheet) -> set[str]:
    """The column letters a sheet prints: its print area's, else every column it has."""
    area = sheet.print_area
    if not area:
        return {c.column_letter for c in sheet[1]} | set(sheet.column_dimensions)
    first, last = re.findall(r"\$([A-Z]+)\$\d+", area[0] if isinstance(area, list) else area)
    return {openpyxl.utils.get_column_letter(i) for i in range(
        openpyxl.utils.column_index_from_string(first),
        openpyxl.utils.column_index_from_string(last) + 1)}  # fmt: skip


@pytest.mark.parametrize("language", ["lv", "en"])
def test_no_printed_text_is_longer_than_its_column_unless_it_wraps(books, language):
    """Seen on the printed pages (issue 28): the Jobs sheet's field cut "Nodots parādu
    piedziņai" under the next column, and the Summary's reasons ran past the table's edge, so
    that the whole sheet was printed at a size no one reads.  Every text of the first three
    sheets' printed columns fits its column (its merged cells), or wraps there."""
    folder, paths, own = books
    book = openpyxl.load_workbook(paths[language])
    long = []
    for sheet in book.worksheets[:3]:
        widths = {k: d.width for k, d in sheet.column_dimensions.items() if d.width}
        spans = {r.start_cell.coordinate: r for r in sheet.merged_cells.ranges}
        for row in sheet.iter_rows(min_row=3 if sheet is book.worksheets[1] else 2):
            for cell in row:
                if not isinstance(cell.value, str):
                    continue  # a number, a date, or the covered part of a merged range
                if cell.column_letter not in _printed_columns(sheet):
                    continue
                span = spans.get(cell.coordinate)
                columns = range(span.min_col, span.max_col + 1) if span else [cell.column]
                width = sum(widths.get(openpyxl.utils.get_column_letter(c), 8) for c in columns)
                if len(cell.value) > width * 1.1 and not cell.alignment.wrap_text:
                    long.append((sheet.title, cell.coordinate, cell.value))
    assert not long, long[:10]
    summary = book.worksheets[1]
    assert summary.column_dimensions["D"].width < 100  # the reasons wrap in a page-wide column


def test_an_exceptions_decision_and_expiry_dates_show_as_the_language_writes_dates(
    sample_audit, tmp_path
):
    """Seen on month 2's printed Exceptions sheet (issue 28): *Lēmums nolasīts* read
    "2027-01-15", text kept as the history stores it, beside *Pirmoreiz atzīmēts* 07.12.2026."""
    tracking = workbook._default_tracking(sample_audit.findings)
    tracking.status.iloc[0] = "exception"
    tracking.exception = pd.DataFrame(
        {"note": ["papīra piekrišana"], "decided_by": ["AK"], "decided_on": ["2027-01-15"],
         "expires": ["2027-07-14"]},
        index=sample_audit.findings.index[:1],
    ).reindex(sample_audit.findings.index)  # fmt: skip
    for language, shown in (("lv", "dd.mm.yyyy"), ("en", "yyyy-mm-dd")):
        lab = labels(language)
        path = workbook.write_workbook(
            tmp_path / f"{language}.xlsx", sample_audit.findings, sample_audit.frames, [],
            tracking=tracking, view=workbook.View(language),
        )  # fmt: skip
        sheet = openpyxl.load_workbook(path)[lab.sheet("exceptions")]
        heads = [c.value for c in sheet[1]]
        for column, day in (("decided_on", "2027-01-15"), ("expires", "2027-07-14")):
            cell = sheet.cell(2, heads.index(lab.heading(column)) + 1)
            assert cell.is_date and cell.number_format == shown, (language, column, cell.value)
            assert cell.value.date().isoformat() == day

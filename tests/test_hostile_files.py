"""Hostile and odd files (issue 24), each made by the test: whatever the writer, the suffix or the
damage, the file is read right, refused in one line naming it (exit 2), or skipped and named in a
folder — never an abort, a hang, an internal error or a cell misread as blank.

The CLI is driven in-process (``tests/cli_runner.invoke``); only the stray-cell workbooks
go through a real process, because what they guard against is the process aborting."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from cli_runner import invoke
from conftest import AS_OF
from loading_helpers import ORDER_HEADINGS, ORDER_ROWS, csv_bytes, write_csv, write_ods_xml

from zimes_audit import errors
from zimes_audit.audit import audit
from zimes_audit.loading import load_file, load_inputs
from zimes_audit.loading.sheet_scan import scan_xlsx_bytes

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
HEADINGS = ["Klienta ID", "Vārds, uzvārds", "Tālrunis", "Piekrišana"]
PEOPLE = [("K-001", "Jānis Bērziņš", "+371 29123456"), ("K-002", "Līga Ozoliņa", "+371 26543210")]
PEOPLE += [("K-003", "Ņina Šmite", "+371 20000003"), ("K-004", "Ģirts Ļaviņš", "+371 20000004")]


def run_cli(*args: str) -> tuple[int, str, str]:
    done = invoke(*args)
    return done.returncode, done.stdout, done.stderr


def one_line(path: Path, *args: str) -> str:
    """The one line a refused file gives: exit 2, naming the file, no personal value."""
    code, _, err = run_cli("inventory", "--lang", "en", *args, str(path))
    lines = err.strip().splitlines()
    assert code == 2, err
    assert len(lines) == 1 and "Traceback" not in err, err
    assert errors.one_line(path.name) in lines[0]
    assert not any(name in lines[0] for _, name, _ in PEOPLE)
    return lines[0]


# ------------------------------------------------------------------ workbooks written by hand


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def register_rows(consent_cells: list[str]) -> str:
    """A register's sheet rows (inline strings), its consent column (D) holding the cells given
    (each a ``<c …>`` element for its row, ``{r}`` standing for the cell's reference)."""
    rows = [
        '<row r="1">'
        + "".join(_inline(f"{c}1", h) for c, h in zip("ABCD", HEADINGS, strict=True))
        + "</row>"
    ]
    for n, (person, cell) in enumerate(zip(PEOPLE, consent_cells, strict=False), start=2):
        cells = "".join(_inline(f"{c}{n}", v) for c, v in zip("ABC", person, strict=True))
        rows.append(f'<row r="{n}">{cells}{cell.format(r=f"D{n}")}</row>')
    return "".join(rows)


def write_xlsx_xml(
    path: Path, rows: str, *, prefix: str = "", head: str = "", calc: str = ""
) -> Path:
    """A minimal .xlsx whose one sheet holds ``rows`` (``prefix``: the main namespace bound to a
    prefix, every sheet tag written with it)."""
    p, ns = (f"{prefix}:", f'xmlns:{prefix}="{MAIN}"') if prefix else ("", f'xmlns="{MAIN}"')
    if prefix:
        for tag in ("row", "c", "is", "t", "f", "v"):
            rows = rows.replace(f"<{tag}>", f"<{p}{tag}>").replace(f"<{tag} ", f"<{p}{tag} ")
            rows = rows.replace(f"<{tag}/>", f"<{p}{tag}/>").replace(f"</{tag}>", f"</{p}{tag}>")
            rows = rows.replace(f"<{tag}\n", f"<{p}{tag}\n")
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet {ns}>{head}'
        f"<{p}sheetData>{rows}</{p}sheetData></{p}worksheet>"
    )
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets><sheet name="Klienti" sheetId="1" r:id="rId1"/></sheets>{calc}</workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


def consent_problems(path: Path) -> dict[int, str]:
    return {p.source_row: p.detail for p in load_file(path).problems if p.field == "consent_given"}


NO_RESULT = "a formula saved without its result"
UNCACHED = {
    "empty v/": '<c r="{r}"><f>IF(C2="","Nē","Jā")</f><v/></c>',
    "empty v></v": '<c r="{r}"><f>IF(1,"Jā","Nē")</f><v></v></c>',
    "empty v with a space": '<c r="{r}"><f>IF(1,"Jā","Nē")</f><v /></c>',
    "no v": '<c r="{r}" t="str"><f>IF(1,"Jā","Nē")</f></c>',
    "shared formula": '<c r="{r}"><f t="shared" ref="D2:D5" si="0"/></c>',
    "array formula": '<c r="{r}"><f t="array" ref="{r}">IF(1,"Jā","Nē")</f><v></v></c>',
    "attributes before r": '<c s="0" t="str" r="{r}"><f>IF(1,"Jā","Nē")</f><v/></c>',
    "attributes over lines": "<c\n  t='str'\n  r='{r}'><f>IF(1,\"Jā\",\"Nē\")</f><v/></c>",
}


@pytest.mark.parametrize("spelling", UNCACHED)
@pytest.mark.parametrize("prefix", ["", "x"], ids=["default namespace", "prefixed namespace"])
def test_a_formula_without_its_result_is_found_however_it_is_spelt(tmp_path, spelling, prefix):
    cells = ['<c r="{r}" t="inlineStr"><is><t>Jā</t></is></c>', UNCACHED[spelling]]
    cells += ['<c r="{r}" t="inlineStr"><is><t>Nē</t></is></c>', UNCACHED[spelling]]
    path = write_xlsx_xml(tmp_path / "klienti.xlsx", register_rows(cells), prefix=prefix)
    detail = f"unreadable cell in Piekrišana: {NO_RESULT}"
    assert consent_problems(path) == {3: detail, 5: detail}


def test_a_formula_with_its_result_is_read_unless_the_workbook_asks_to_recalculate(tmp_path):
    cells = [
        '<c r="{r}" t="inlineStr"><is><t>Nē</t></is></c>',
        '<c r="{r}" t="str"><f>IF(1,"Jā","Nē")</f><v>Jā</v></c>',
    ] * 2
    path = write_xlsx_xml(tmp_path / "klienti.xlsx", register_rows(cells))
    table = load_file(path)
    assert not table.problems and table.frame.consent_given.tolist() == [False, True] * 2
    # openpyxl and xlsxwriter write this flag: the saved "results" are placeholders
    path = write_xlsx_xml(
        tmp_path / "placeholder.xlsx", register_rows(cells), calc='<calcPr fullCalcOnLoad="1"/>'
    )
    detail = f"unreadable cell in Piekrišana: {NO_RESULT}"
    assert consent_problems(path) == dict.fromkeys((3, 5), detail)


MODERN_ERRORS = ["#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#GETTING_DATA"]


@pytest.mark.parametrize("code", MODERN_ERRORS)
def test_modern_excel_errors_are_findings_like_ref_and_na(tmp_path, code):
    cells = [
        '<c r="{r}" t="inlineStr"><is><t>Jā</t></is></c>',
        f'<c r="{{r}}" t="e"><f>X()</f><v>{code}</v></c>',
        '<c r="{r}" t="e"><v>#REF!</v></c>',
        '<c r="{r}" t="e"><f>NA()</f><v>#N/A</v></c>',
    ]
    path = write_xlsx_xml(tmp_path / "klienti.xlsx", register_rows(cells))
    assert consent_problems(path) == {
        3: f"unreadable cell in Piekrišana: an Excel error ({code})",
        4: "unreadable cell in Piekrišana: an Excel error (#REF!)",
        5: "unreadable cell in Piekrišana: an Excel error (#N/A)",
    }


def test_an_error_cell_never_repeats_its_text_unless_it_is_an_excel_error():
    scan = scan_xlsx_bytes(
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="2"><c r="D2" t="e"><v>010180-10006</v>'
        "</c></row></sheetData></worksheet>".encode()
    )
    assert scan.unreadable == {(1, 3): "an Excel error"}


# ------------------------------------------------------------------ stray cells: a real process

STRAY = {
    "XFD1048576": '<c r="XFD1048576" t="inlineStr"><is><t>k</t></is></c>',
    "A99999999": '<c r="A99999999" t="inlineStr"><is><t>k</t></is></c>',
    "XFE1": '<c r="XFE1" t="inlineStr"><is><t>k</t></is></c>',
    "ZZZZ1": '<c r="ZZZZ1" t="inlineStr"><is><t>k</t></is></c>',
    "t and s before r": '<c t="inlineStr" s="0" r="XFD1048576"><is><t>k</t></is></c>',
}
_RUNNER = """
import sys, resource
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
from zimes_audit import cli
for name in sys.argv[1:]:
    print(name, cli.main(["inventory", name]), flush=True)
"""


def _ods(path: Path, rows: list[str]) -> Path:
    """A minimal OpenDocument spreadsheet of raw ``<table:table-row>`` XML."""
    return write_ods_xml(path, rows)


def _ods_cell(text: str, extra: str = "") -> str:
    return f'<table:table-cell office:value-type="string"{extra}><text:p>{text}</text:p></table:table-cell>'


def _ods_register(consent: list[str]) -> list[str]:
    rows = ["<table:table-row>" + "".join(map(_ods_cell, HEADINGS)) + "</table:table-row>"]
    for person, cell in zip(PEOPLE, consent, strict=False):
        rows.append(
            "<table:table-row>" + "".join(map(_ods_cell, person)) + cell + "</table:table-row>"
        )
    return rows


def _record(kind: int, body: bytes = b"") -> bytes:
    """One BIFF12 record (MS-XLSB 2.1.4): its type and size as 7-bit varints, then its body."""
    head = bytes([kind]) if kind < 0x80 else bytes([(kind & 0x7F) | 0x80, kind >> 7])
    size, length = bytearray(), len(body)
    while True:
        size.append((length & 0x7F) | (0x80 if length >> 7 else 0))
        length >>= 7
        if not length:
            return head + bytes(size) + body


def _wide(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


def write_xlsb(
    path: Path, stray: tuple[int, int] | None = None, codes: dict[int, int] | None = None
) -> Path:
    """A minimal .xlsb register (its dimension claiming A1:D5), the consent of K-002 an error
    cell (#N/A; ``codes``: {0-based row: error code} instead), and a stray cell at ``stray``
    (row, column; 0-based) if given."""
    codes = {2: 0x2A} if codes is None else codes
    book = _record(131) + _record(143)
    book += _record(156, struct.pack("<II", 0, 1) + _wide("rId1") + _wide("Klienti"))
    book += _record(144) + _record(132)
    sheet = _record(129) + _record(148, struct.pack("<IIII", 0, 4, 0, 3)) + _record(145)
    table = [HEADINGS, *([*p, "Jā"] for p in PEOPLE)]
    where = [(r, c, text) for r, row in enumerate(table) for c, text in enumerate(row)]
    where += [stray + ("k",)] if stray else []
    for r in sorted({r for r, _, _ in where}):
        sheet += _record(0, struct.pack("<IIHBBBI", r, 0, 0x12C, 0, 0, 0, 0))
        for _, c, text in (w for w in where if w[0] == r):
            if c == 3 and r in codes:
                sheet += _record(3, struct.pack("<IIB", c, 0, codes[r]))  # BrtCellError
            else:
                sheet += _record(6, struct.pack("<II", c, 0) + _wide(text))  # BrtCellSt
    sheet += _record(146) + _record(130)
    package = "http://schemas.openxmlformats.org/package/2006/content-types"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<Types xmlns="{package}"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="bin" '
            'ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
            f'Type="{RELS}/officeDocument" Target="xl/workbook.bin"/></Relationships>',
        )
        archive.writestr("xl/workbook.bin", book)
        archive.writestr(
            "xl/_rels/workbook.bin.rels",
            f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
            f'Type="{RELS}/worksheet" Target="worksheets/sheet1.bin"/></Relationships>',
        )
        archive.writestr("xl/worksheets/sheet1.bin", sheet)
    return path


def test_an_xlsb_error_cell_is_a_finding(tmp_path):
    assert consent_problems(write_xlsb(tmp_path / "klienti.xlsb")) == {
        3: "unreadable cell in Piekrišana: an Excel error (#N/A)"
    }


@pytest.mark.parametrize("code", [0x2C, 0x2D, 0x31, 0x7F])
def test_an_xlsb_newer_error_code_is_a_finding_not_a_damaged_workbook(tmp_path, code):
    """Error codes past MS-XLSB's list (Excel 365 writes #SPILL!, #CALC! … with them; calamine
    stops on them): the cell is a finding, the rest of the workbook is read."""
    path = write_xlsb(tmp_path / "klienti.xlsb", codes={2: code, 3: 0x2A})
    table = load_file(path)
    assert consent_problems(path) == {
        3: "unreadable cell in Piekrišana: an Excel error",
        4: "unreadable cell in Piekrišana: an Excel error (#N/A)",
    }
    assert table.frame.consent_given.tolist()[::3] == [True, True]


def test_stray_and_impossible_cells_are_one_line_in_a_real_process(tmp_path):
    names = []
    for label, stray in STRAY.items():
        name = f"klienti {label}.xlsx"
        rows = register_rows(['<c r="{r}" t="inlineStr"><is><t>Jā</t></is></c>'] * 4)
        # the dimension lies (a small sheet) and the stray cell sits in the second row
        head = '<dimension ref="A1:D5"/>'
        write_xlsx_xml(tmp_path / name, rows.replace("</row>", stray + "</row>", 1), head=head)
        names.append(name)
    write_xlsb(tmp_path / "klienti stray.xlsb", stray=(1048575, 16383))
    names.append("klienti stray.xlsb")
    huge = _ods_cell("k", ' table:number-columns-repeated="4294967295"')
    _ods(tmp_path / "klienti repeated.ods", _ods_register([huge] * 2))
    names.append("klienti repeated.ods")
    done = subprocess.run(
        [sys.executable, "-c", _RUNNER, *names],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,  # a hang guard, not a measure: each file ends in well under a second
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "panicked" not in done.stderr and "Traceback" not in done.stderr
    results = dict(line.rsplit(" ", 1) for line in done.stdout.splitlines())
    assert results == dict.fromkeys(names, "2")
    lines = done.stderr.strip().splitlines()
    assert len(lines) == len(names)
    for name, line in zip(names, lines, strict=True):
        assert name in line and "liekās šūnas" in line  # Latvian, the default


def test_an_ods_empty_repeat_to_the_sheet_edge_is_not_a_stray_cell(tmp_path):
    edge = '<table:table-cell table:number-columns-repeated="4294967295"/>'
    consent = [_ods_cell("Jā") + edge, _ods_cell("Nē") + edge]
    table = load_file(_ods(tmp_path / "klienti.ods", _ods_register(consent)))
    assert table.rows == 2 and table.frame.consent_given.tolist() == [True, False]


def test_ods_formulas_without_stored_results_are_findings(tmp_path):
    formula = '<table:table-cell table:formula="of:=IF(1;&quot;Jā&quot;;&quot;Nē&quot;)"/>'
    stored = (
        '<table:table-cell table:formula="of:=1" office:value-type="string" '
        'office:string-value="Jā"><text:p>Jā</text:p></table:table-cell>'
    )
    path = _ods(
        tmp_path / "klienti.ods", _ods_register([_ods_cell("Jā"), formula, stored, formula])
    )
    assert consent_problems(path) == {
        3: f"unreadable cell in Piekrišana: {NO_RESULT}",
        5: f"unreadable cell in Piekrišana: {NO_RESULT}",
    }


def test_an_ods_error_shown_as_text_is_a_finding_not_a_value(tmp_path):
    """A writer that does not mark an error result as one (no ``calcext:value-type``): calamine
    reads its shown text, ``Err:502`` or ``#NAME?``, as the cell's value; one marked as an error
    is one whatever it shows (never named by that text)."""
    shown = '<table:table-cell table:formula="of:=SQRT(-1)" office:value-type="string">'
    cells = [_ods_cell("Jā"), shown + "<text:p>Err:502</text:p></table:table-cell>"]
    cells += [shown.replace("SQRT(-1)", "FOO(1)") + "<text:p>#NAME?</text:p></table:table-cell>"]
    marked = shown.replace(">", ' calcext:value-type="error">')
    cells += [marked + "<text:p>K-002</text:p></table:table-cell>"]
    path = _ods(tmp_path / "klienti.ods", _ods_register(cells))
    expected = [
        "unreadable cell in Piekrišana: a LibreOffice error (Err:502)",
        "unreadable cell in Piekrišana: an Excel error (#NAME?)",
        "unreadable cell in Piekrišana: a LibreOffice error",
    ]
    assert consent_problems(path) == dict(zip((3, 4, 5), expected, strict=True))
    # what calamine read is not a value: no "unreadable boolean" beside the finding
    assert load_file(path).frame.unreadable_detail.tolist()[1:] == expected


def _libreoffice(source: Path, suffix: str) -> Path:
    """``source`` converted by LibreOffice (skipped when it is not installed)."""
    import shutil

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    out = source.parent / "lo"
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{source.parent}/lo-profile",
         "--convert-to", suffix, "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return out / f"{source.stem}.{suffix}"


def test_libreoffices_error_results_in_an_ods_are_findings(tmp_path):
    """LibreOffice calculates the formulas and stores each error result (``Err:502``, ``#NAME?``,
    ``#DIV/0!``) as an empty string marked as an error: a finding, never a blank."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Klienti"
    sheet.append(HEADINGS)
    for person, consent in zip(PEOPLE, ["Jā", "=1/0", "=SQRT(-1)", "=FOOBAR(1)"], strict=True):
        sheet.append([*person, consent])
    book.save(tmp_path / "klienti.xlsx")
    path = _libreoffice(tmp_path / "klienti.xlsx", "ods")
    table = load_file(path)
    assert consent_problems(path) == {
        3: "unreadable cell in Piekrišana: an Excel error (#DIV/0!)",
        4: "unreadable cell in Piekrišana: a LibreOffice error (Err:502)",
        5: "unreadable cell in Piekrišana: an Excel error (#NAME?)",
    }
    findings = audit(tables=[table], as_of=AS_OF).findings
    inaccurate = findings[
        (findings.rule_id == "DATA-INACCURATE") & (findings.field == "consent_given")
    ]
    assert sorted(inaccurate.source_row) == [3, 4, 5]


# ------------------------------------------------------------------ zip parts Python cannot read


def _patched_zip(path: Path, *, method: int | None = None, flags: int = 0) -> Path:
    """Rewrite the compression method and general-purpose flags of every member (local and
    central headers) as another tool would have written them."""
    data = bytearray(path.read_bytes())
    for signature, flag_at, method_at in ((b"PK\x03\x04", 6, 8), (b"PK\x01\x02", 8, 10)):
        at = data.find(signature)
        while at >= 0:
            if method is not None:
                data[at + method_at : at + method_at + 2] = method.to_bytes(2, "little")
            old = int.from_bytes(data[at + flag_at : at + flag_at + 2], "little")
            data[at + flag_at : at + flag_at + 2] = (old | flags).to_bytes(2, "little")
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("method", [9, 99], ids=["Deflate64", "unknown method"])
def test_a_part_compressed_with_a_method_zipfile_cannot_read_says_to_re_save(tmp_path, method):
    path = write_xlsx_xml(tmp_path / "klienti.xlsx", register_rows([]))
    line = one_line(_patched_zip(path, method=method))
    assert "re-save the file" in line


def test_a_zipcrypto_member_is_named_as_encrypted(tmp_path):
    path = write_xlsx_xml(tmp_path / "klienti.xlsx", register_rows([]))
    assert "encrypted" in one_line(_patched_zip(path, flags=0x1))


# ------------------------------------------------------------------ names, cells and text


def test_a_file_name_that_is_not_utf8_is_shown_escaped(tmp_path):
    folder = os.fsencode(tmp_path)
    name = b"klienti-\xe4.csv"
    with open(os.path.join(folder, name), "wb") as out:
        out.write(b"")
    path = Path(os.fsdecode(os.path.join(folder, name)))
    line = one_line(path)
    assert "klienti-\\xe4.csv: the file is empty" in line
    write_csv(path, [HEADINGS, [*PEOPLE[0], "Jā"]])
    code, out, _ = run_cli("inventory", str(path))
    assert code == 0 and "klienti-\\xe4.csv" in out
    report = tmp_path / "report"
    code, _, err = run_cli(
        "run", str(path), "--as-of", AS_OF.isoformat(), "--out", str(report), "--no-notebook"
    )
    assert code == 0, err
    manifest = json.loads((report / "manifest.json").read_text(encoding="utf-8"))
    assert [i["source"] for i in manifest["inputs"]] == ["klienti-\\xe4.csv"]
    assert manifest["inputs"][0]["path"].endswith("klienti-\\xe4.csv")


def test_a_six_digit_number_in_a_date_column_is_a_data_inaccurate_finding(tmp_path):
    headings = ["Klienta ID", "Vārds, uzvārds", "Attiecību sākums"]
    rows = [["K-001", "Jānis Bērziņš", "45292"], ["K-002", "Līga Ozoliņa", "999999"]]
    table = load_file(write_csv(tmp_path / "klienti.csv", [headings, *rows]))
    assert table.frame.unreadable_fields.tolist()[1] == "relationship_start"
    findings = audit(tables=[table], as_of=AS_OF).findings
    inaccurate = findings[findings.rule_id == "DATA-INACCURATE"]
    assert inaccurate[["source_row", "record_id"]].values.tolist() == [[3, "K-002"]]


def test_old_mac_line_ends_are_read(tmp_path):
    """More fields than Excel has columns if the file were one line (the width guard counts
    fields per line: 2,500 rows of nine)."""
    rows = [[f"M-{n}", *ORDER_ROWS[n % 2][1:]] for n in range(2500)]
    path = tmp_path / "orders.csv"
    path.write_bytes(csv_bytes([ORDER_HEADINGS, *rows]).replace(b"\r\n", b"\r"))
    table = load_file(path)
    assert table.frame.order_id.tolist() == [f"M-{n}" for n in range(2500)]
    assert table.frame.source_row.tolist() == list(range(2, 2502))


@pytest.mark.parametrize(
    "tail",
    ['M-3;07.01.2024;"Jānis Bērziņš', 'M-3;07.01.2024;"Jānis\nBērziņš;j@x.lv\n'],
    ids=["cut inside a quoted value", "a quote never closed"],
)
def test_a_csv_ending_inside_a_quoted_value_is_refused_as_cut(tmp_path, tail):
    path = tmp_path / "orders.csv"
    path.write_bytes(csv_bytes([ORDER_HEADINGS, *ORDER_ROWS]) + tail.encode())
    assert "ends inside a quoted value: it was cut off" in one_line(path)


def test_a_file_cut_in_the_middle_of_a_character_is_not_blamed_on_encodings(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes(csv_bytes([ORDER_HEADINGS, *ORDER_ROWS]) + "M-3;07.01.2024;Ņ".encode()[:-1])
    line = one_line(path)
    assert "ends inside a character: it was cut off" in line and "Windows-1257" not in line


def test_excels_lock_file_is_named_as_a_lock_file(tmp_path):
    path = tmp_path / "~$klienti.xlsx"
    path.write_bytes(b"\x0bJ\xc4\x81nis" + bytes(150))
    assert "Excel's lock file" in one_line(path)


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (
            "<html><body><table><tr><td>Klienta ID</td><td>Vārds, uzvārds</td></tr>"
            "<tr><td>K-001</td><td>Jānis Bērziņš</td></tr></table></body></html>",
            "a web page (an HTML table)",
        ),
        (
            '<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook '
            'xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="K">'
            "</Worksheet></Workbook>",
            "an Excel 2003 XML spreadsheet",
        ),
    ],
    ids=["HTML table", "Excel 2003 XML"],
)
def test_a_web_export_saved_as_xls_is_named_for_what_it_is(tmp_path, content, what):
    path = tmp_path / "klienti.xls"
    path.write_text(content, encoding="utf-8")
    assert f"not a workbook but {what}" in one_line(path)


def test_broken_links_and_a_damaged_workbook_in_a_folder_are_skipped_and_named(tmp_path):
    folder = tmp_path / "eksporti"
    folder.mkdir()
    write_csv(folder / "orders.csv", [ORDER_HEADINGS, *ORDER_ROWS])
    (folder / "nekur.csv").symlink_to(folder / "nav-tāda.csv")
    (folder / "cilpa.csv").symlink_to(folder / "cilpa.csv")
    (folder / "klienti.xlsx").write_bytes(b"PK\x03\x04" + bytes(200))
    code, out, err = run_cli("inventory", str(folder), "--lang", "en")
    assert code == 0, err
    assert "cilpa.csv: skipped (not a regular file: a link in a loop of links)" in out
    assert "nekur.csv: skipped (not a regular file: a link to something that does not exist)" in out
    assert "klienti.xlsx: skipped (cannot be read: the workbook is damaged" in out
    code, out, err = run_cli("inventory", str(folder))  # Latvian, the default
    assert "cilpa.csv: izlaists (nav parasts fails: saite saišu cilpā)" in out
    assert "klienti.xlsx: izlaists (nevar nolasīt: darbgrāmata ir bojāta" in out
    assert "orders.csv" in out and len(load_inputs([folder])) == 1


# ------------------------------------------------------------------ width and length


def test_16384_empty_columns_are_not_read_and_16384_filled_ones_are_refused(tmp_path):
    import xlsxwriter

    # the claimed width: every row runs on in empty fields to Excel's last column
    empty = [""] * (16384 - len(ORDER_HEADINGS))
    path = write_csv(
        tmp_path / "orders.csv", [[*ORDER_HEADINGS, *empty], *([*r, *empty] for r in ORDER_ROWS)]
    )
    table = load_file(path)
    assert table.rows == 2 and len(table.columns) == len(ORDER_HEADINGS)
    # filled: refused in one line, before a column is read
    wide = [*ORDER_HEADINGS, *(f"Papildu {n}" for n in range(16384 - len(ORDER_HEADINGS)))]
    rows = [[*row, *("x" for _ in range(16384 - len(row)))] for row in ORDER_ROWS]
    path = write_csv(tmp_path / "wide.csv", [wide, *rows])
    assert "16384 columns hold a heading or a value" in one_line(path)
    book = xlsxwriter.Workbook(tmp_path / "wide.xlsx", {"constant_memory": True})
    sheet = book.add_worksheet("Orders")
    for r, row in enumerate([wide[:10000], *(row[:10000] for row in rows)]):
        sheet.write_row(r, 0, row)
    book.close()
    assert "10000 columns hold a heading or a value" in one_line(tmp_path / "wide.xlsx")


def _padded(path: Path, head: bytes, blank: int, tail: bytes = b"") -> Path:
    """``head``, then ``blank`` bytes of blank lines (lines of spaces, as the 4.8 GB file of
    200 million blank lines had), then ``tail``; written in pieces, never held whole."""
    line = b" " * 22 + b"\r\n"
    piece = line * ((1 << 20) // len(line))
    with path.open("wb") as out:
        out.write(head)
        for _ in range(-(-blank // len(piece))):
            out.write(piece)
        out.write(tail)
    return path


def test_blank_lines_after_the_data_are_not_held_and_the_data_is_audited(tmp_path):
    """~100 MB of blank lines after the data (200 million lines, 4.8 GB, behave the same): the
    file is never held whole — what the load allocates stays far below the file's size — and the
    rows above are read and audited right (a blank line between them still counts as a row)."""
    import tracemalloc

    bad = [*ORDER_ROWS[1][:3], "liga.ozolina@@example", *ORDER_ROWS[1][4:]]
    head = csv_bytes([ORDER_HEADINGS, ORDER_ROWS[0]]) + b"\r\n" + csv_bytes([bad])
    path = _padded(tmp_path / "orders.csv", head, 100 << 20)
    assert path.stat().st_size > 100 << 20
    tracemalloc.start()
    try:
        table = load_file(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 40 << 20, f"{peak >> 20} MB allocated for a {path.stat().st_size >> 20} MB file"
    assert table.rows == 2 and table.frame.source_row.tolist() == [2, 4]
    assert table.frame.order_id.tolist() == ["M-2475405-25", "M-2475406-25"]
    findings = audit(tables=[table], as_of=AS_OF).findings
    inaccurate = findings[findings.rule_id == "DATA-INACCURATE"]
    assert inaccurate[["source_row", "field"]].values.tolist() == [[4, "email"]]


def test_blank_lines_named_as_a_workbook_are_refused_from_their_start(tmp_path):
    """Whatever the suffix says: ~100 MB of blank lines saved as ``.xlsx`` is one line, and only
    its start is held (the rest is hashed, not kept)."""
    import tracemalloc

    path = _padded(tmp_path / "klienti.xlsx", b"", 100 << 20)
    tracemalloc.start()
    try:
        with pytest.raises(errors.CorruptWorkbook):
            load_file(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 << 20, f"{peak >> 20} MB allocated for a {path.stat().st_size >> 20} MB file"
    assert "the workbook is damaged or not the format its name says" in one_line(path)


def test_rows_after_millions_of_blank_lines_are_refused_and_a_folder_skips_them(tmp_path):
    """More blank lines between two rows than any export has (over 16 MB of them): one line
    naming the line they follow; inside a folder the file is skipped and named."""
    head = csv_bytes([ORDER_HEADINGS, ORDER_ROWS[0]])
    tail = csv_bytes([ORDER_ROWS[1]])
    folder = tmp_path / "eksporti"
    folder.mkdir()
    path = _padded(folder / "orders padded.csv", head, 17 << 20, tail)
    assert "more than 16 MB of blank lines follow line 2, and then more rows" in one_line(path)
    write_csv(folder / "orders.csv", [ORDER_HEADINGS, *ORDER_ROWS])
    code, out, err = run_cli("inventory", str(folder), "--lang", "en")
    assert code == 0, err
    assert "orders padded.csv: skipped (cannot be read: more than 16 MB of blank lines" in out


def test_the_fast_scan_and_the_parser_agree_on_a_plain_sheet(tmp_path):
    """The fast path for plainly written sheets gives what the parser gives (span aside: the
    fast path takes the dimension, checked to hold every cell)."""
    from zimes_audit.loading import sheet_scan

    cells = [
        '<c r="{r}" t="inlineStr"><is><t>Jā</t></is></c>',
        '<c r="{r}" t="e"><f>X()</f><v>#SPILL!</v></c>',
        '<c r="{r}"><f>IF(1,"Jā","Nē")</f><v/></c>',
        '<c r="{r}" s="2" t="e"/>',
    ]
    head = '<dimension ref="A1:D5"/>'
    path = write_xlsx_xml(tmp_path / "klienti.xlsx", register_rows(cells), head=head)
    with zipfile.ZipFile(path) as archive:
        fast = sheet_scan.scan_xlsx(archive, "xl/worksheets/sheet1.xml", False, 10**6)
        exact = scan_xlsx_bytes(archive.read("xl/worksheets/sheet1.xml"))
    assert (
        fast.unreadable
        == exact.unreadable
        == {
            (2, 3): "an Excel error (#SPILL!)",
            (3, 3): NO_RESULT,
            (4, 3): "an Excel error",
        }
    )
    assert fast.first == exact.first == (0, 0) and fast.last == exact.last == (4, 3)


# ------------------------------------------------------------------ the writer matrix

CONSENT = ["Jā", "=1/0", "#N/A", "=NA()"]  # a value, a formula, an error cell, a formula erring


def _by_openpyxl(path: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Klienti"
    sheet.append(HEADINGS)
    for person, consent in zip(PEOPLE, CONSENT, strict=True):
        sheet.append([*person, consent])  # "=…" a formula, "#N/A" an error cell
    book.save(path)
    return path


def _by_xlsxwriter(path: Path) -> Path:
    import xlsxwriter

    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Klienti")
    sheet.write_row(0, 0, HEADINGS)
    for n, (person, consent) in enumerate(zip(PEOPLE, CONSENT, strict=True), start=1):
        sheet.write_row(n, 0, person)
        if consent == "#N/A":
            sheet.write_formula(n, 3, "=NA()", None, "#N/A")  # its only way to an error cell
        else:
            sheet.write(n, 3, consent)  # "=…" becomes a formula, its result saved as 0
    book.close()
    return path


def _by_pandas(path: Path) -> Path:
    import pandas as pd

    frame = pd.DataFrame([[*p, c] for p, c in zip(PEOPLE, CONSENT, strict=True)], columns=HEADINGS)
    frame.to_excel(path, sheet_name="Klienti", index=False)
    return path


def _by_libreoffice(path: Path) -> Path:
    import shutil

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    source = _by_openpyxl(path.parent / "lo-source.xlsx")
    out = path.parent / "lo"
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{path.parent}/lo-profile",
         "--convert-to", "xlsx", "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    (out / source.name).rename(path)
    return path


WRITERS = {
    "openpyxl": _by_openpyxl,
    "xlsxwriter": _by_xlsxwriter,
    "pandas": _by_pandas,
    "LibreOffice": _by_libreoffice,
}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """The same register written by each writer (LibreOffice only when installed)."""
    folder = tmp_path_factory.mktemp("writers")
    tables = {}
    for name, write in WRITERS.items():
        try:
            tables[name] = load_file(write(folder / f"klienti-{name}.xlsx"))
        except pytest.skip.Exception:
            continue
    return tables


@pytest.mark.parametrize("writer", WRITERS)
def test_each_writers_formula_and_error_cells_are_unreadable_never_blank(written, writer):
    if writer not in written:
        pytest.skip("LibreOffice (soffice) is not installed")
    frame = written[writer].frame
    assert frame.customer_id.tolist() == ["K-001", "K-002", "K-003", "K-004"]
    assert frame.consent_given.tolist()[0] is True
    marked = frame.unreadable_fields.fillna("").tolist()
    assert marked == ["", "consent_given", "consent_given", "consent_given"]


def test_the_writer_matrix_gives_data_inaccurate_findings(written):
    findings = audit(tables=list(written.values()), as_of=AS_OF).findings
    inaccurate = findings[
        (findings.rule_id == "DATA-INACCURATE") & (findings.field == "consent_given")
    ]
    got = sorted(zip(inaccurate.source_file, inaccurate.source_row, strict=True))
    assert got == sorted((f"klienti-{w}.xlsx", row) for w in written for row in (3, 4, 5))


def test_a_formula_without_its_result_under_no_heading_keeps_its_column(tmp_path):
    """Calamine reads the formula as blank; the column is still not an empty one to drop."""
    rows = register_rows(['<c r="{r}" t="inlineStr"><is><t>Jā</t></is></c>'] * 4)
    rows = rows.replace('</row><row r="4">', '<c r="E3"><f>1+1</f><v/></c></row><row r="4">')
    path = write_xlsx_xml(tmp_path / "klienti.xlsx", rows)
    table = load_file(path)
    assert [(p.source_row, p.heading) for p in table.problems] == [(3, "(blank heading, column E)")]

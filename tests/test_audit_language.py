"""The auditor's pages speak one language throughout and print whole (issue 28): ``audit.html``
of the sample and of the monthly loop, in Latvian and in English, and the review, printed by
headless Chromium to PDF and read back with pdftotext, hold no word of the other language and no
internal field name outside the inputs' own headings; Latvian counts agree with their numbers;
every column heading of every table is on the printed page.

One executed report of each is shared (conftest ``sample_report``, ``sample_review``, ``months``);
the English pages are the same folders' notebooks executed again in English on a copy."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import AS_OF

from zimes_audit.procedure.catalogue import load_catalogue
from zimes_audit.words.plural import form

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PDFTOTEXT = shutil.which("pdftotext")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and PDFTOTEXT), reason="needs headless Chromium and pdftotext"
)

# common words of running text and table headings; a word that is one of the inputs' own
# headings (Mozello's are English) is taken out of the list for that page
ENGLISH = {"the", "and", "of", "findings", "finding", "records", "rule", "rules", "file",
           "folder", "date", "due", "what", "which", "expectations", "exceptions", "since",
           "yes", "masked", "present", "absent", "match", "none", "rows", "heading", "category",
           "value", "passed", "audit", "kind", "month", "request", "policy", "terms", "days"}  # fmt: skip
LATVIAN = {"un", "ar", "konstatējumi", "konstatējumu", "noteikums", "fails", "ieraksti",
           "ieraksts", "termiņš", "pārskata", "kopā", "nav", "ir", "jā", "nē", "darbība",
           "lauks", "rindas", "mape", "audita", "datums", "politika", "pārbaudes"}  # fmt: skip
# names of products and files: their words are no language's
NAMES = re.compile(r"Great\s+Expectations|Data\s+Docs|SIA|ZĪMES|Mozello")
# Latvian word forms that go with one number form only (1, 21, 31 … take the singular)
LV_ONE = {"konstatējums", "rinda", "ieraksts", "klients"}
LV_OTHER = {"konstatējumu", "konstatējumi", "rindas", "ieraksti", "klienti", "klientus",
            "ierakstus"}  # fmt: skip
EN_ONE = {"finding", "row", "record"}
EN_OTHER = {"findings", "rows", "records"}


def _pdf_text(html: Path, pdf: Path) -> str:
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         f"--print-to-pdf={pdf}", html.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    out = subprocess.run([PDFTOTEXT, str(pdf), "-"], check=True, capture_output=True, timeout=60)
    return out.stdout.decode("utf-8")


def _words(text: str) -> set[str]:
    """The plain words of ``text``: file names, paths, ids, codes and masked values left out."""
    words = set()
    for token in NAMES.sub(" ", text).split():
        if re.search(r"[._/\\\-@*#\d`]", token):
            continue
        word = token.strip("()[],;:!?\"'„”«»…·×—–").casefold()
        if word:
            words.add(word)
    return words


def _own_words(folder: Path) -> set[str]:
    """Every word of the inputs' own headings (a page names fields by them) and of the
    administrator's notes on the exceptions (shown as written)."""
    import pandas as pd

    results = folder / "results"
    texts = pd.read_parquet(results / "columns.parquet")["heading"].astype(str).tolist()
    texts += pd.read_parquet(results / "exceptions.parquet")["note"].dropna().astype(str).tolist()
    return {w.casefold() for text in texts for w in re.split(r"\W+", text)}


def _internal_names(folder: Path) -> set[str]:
    """The field catalogue's snake_case names that are not one of the inputs' own headings."""
    import pandas as pd

    headings = set(pd.read_parquet(folder / "results" / "columns.parquet")["heading"].astype(str))
    return {n for n in load_catalogue().fields if "_" in n and n not in headings}


def _wrong_counts(text: str, language: str) -> list[str]:
    one, other = (LV_ONE, LV_OTHER) if language == "lv" else (EN_ONE, EN_OTHER)
    wrong = []
    for number, word in re.findall(r"(?<![\d.,])(\d+) (\w+)", text):
        n = int(number)
        if (word in one and form(n, language) != "one") or (
            word in other and form(n, language) != "other"
        ):
            wrong.append(f"{number} {word}")
    return wrong


def _headings(html: Path) -> list[str]:
    soup = BeautifulSoup(html.read_text("utf-8"), "html.parser")
    return [th.get_text(" ", strip=True) for th in soup.select("table thead th")]


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def pages(sample_report, sample_review, months, tmp_path_factory):
    """``{name: (language, html, report folder)}``: the sample's audit.html and review (Latvian),
    month 2 of the loop (Latvian), and the sample and month 3 executed again in English."""
    from zimes_audit.report.notebook import execute_audit_notebook

    base = tmp_path_factory.mktemp("pages")
    found = {
        "sample-lv": ("lv", sample_report[0] / "audit.html", sample_report[0]),
        "review-lv": ("lv", sample_review[2], sample_report[0]),
        "loop-month-2-lv": ("lv", months[1][1][0] / "audit.html", months[1][1][0]),
    }
    for name, folder in (("sample-en", sample_report[0]), ("loop-month-3-en", months[1][2][0])):
        copy = base / name
        shutil.copytree(folder, copy, ignore=shutil.ignore_patterns("audit.*"))
        execute_audit_notebook(copy, language="en")
        found[name] = ("en", copy / "audit.html", copy)
    return found


@pytest.fixture(scope="module")
def printed(pages, tmp_path_factory):
    """Each page printed to PDF by headless Chromium, read back by pdftotext."""
    base = tmp_path_factory.mktemp("pdf")
    return {name: _pdf_text(html, base / f"{name}.pdf") for name, (_, html, _) in pages.items()}


PAGES = ["sample-lv", "review-lv", "loop-month-2-lv", "sample-en", "loop-month-3-en"]


@pytest.mark.parametrize("name", PAGES)
def test_no_word_of_the_other_language(name, pages, printed):
    language, _, folder = pages[name]
    wrong = (ENGLISH if language == "lv" else LATVIAN) - _own_words(folder)
    found = sorted(_words(printed[name]) & wrong)
    assert found == [], f"{name}: words of the other language: {found}"


@pytest.mark.parametrize("name", PAGES)
def test_no_internal_field_name(name, pages, printed):
    text = printed[name]
    names = _internal_names(pages[name][2])
    found = sorted(n for n in names if re.search(rf"(?<![\w-]){n}(?![\w-])", text))
    assert found == [], f"{name}: catalogue names instead of the files' headings: {found}"


@pytest.mark.parametrize("name", PAGES)
def test_counts_agree_with_their_numbers(name, pages, printed):
    language = pages[name][0]
    assert _wrong_counts(printed[name], language) == []
    if name == "sample-lv":  # the page says how many findings, in the form the number takes
        findings = json.loads((pages[name][2] / "manifest.json").read_text("utf-8"))["findings"]
        assert re.search(rf"\b{findings} konstatējum", printed[name])


@pytest.mark.parametrize("name", PAGES)
def test_every_column_heading_is_on_the_printed_page(name, pages, printed):
    """Chromium cuts a table wider than the page: its last headings never reach the PDF."""
    headings = _headings(pages[name][1])
    assert len(headings) > 40
    text = _squeezed(printed[name])
    missing = sorted({h for h in headings if _squeezed(h) not in text})
    assert missing == [], f"{name}: cut off the printed page: {missing}"


def test_latvian_dates_and_english_dates(printed):
    iso = re.compile(r"(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])")  # a date, not in a run id
    assert f"{AS_OF:%d.%m.%Y}" in printed["sample-lv"]
    assert iso.findall(printed["sample-lv"]) == [] and iso.findall(printed["review-lv"]) == []
    assert AS_OF.isoformat() in iso.findall(printed["sample-en"])


def test_the_pages_say_due_dates_are_fixed_at_first_flag(printed):
    assert "nosaka, kad konstatējums atzīmēts pirmo reizi" in " ".join(printed["sample-lv"].split())
    assert "fixed when the finding is first flagged" in " ".join(printed["sample-en"].split())


def test_no_index_column_in_any_table(pages):
    for name, (_, html, _) in pages.items():
        assert "index" not in _headings(html), name


@pytest.mark.parametrize("language", ["lv", "en"])
def test_a_rendered_page_says_its_language_and_fetches_nothing(language, tmp_path):
    """Seen on the pages as shipped (issue 28): a Latvian ``audit.html`` declared
    ``<html lang="en">`` (a browser offers to translate it, a screen reader reads Latvian as
    English), and every page loaded require.js and MathJax from a CDN when opened — offline
    it waited for them, online it told a third party the audit was read."""
    import nbformat

    from zimes_audit.report.notebook import render_html

    node = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# Audits\n\n5 konstatējumi"),
               nbformat.v4.new_code_cell("1 + 1")]
    )  # fmt: skip
    notebook = tmp_path / "page.ipynb"
    nbformat.write(node, notebook)
    html = render_html(notebook, tmp_path / "page.html", "Audits", language)
    text = html.read_text("utf-8")
    soup = BeautifulSoup(text, "html.parser")
    assert soup.html["lang"] == language and soup.title.get_text() == "Audits"
    fetched = [
        tag.get("src") or tag.get("href")
        for tag in soup.select("script[src], link[href], img[src], iframe[src]")
        if re.match(r"(https?:)?//", tag.get("src") or tag.get("href"))
    ]
    assert fetched == []
    assert not re.search(r"""import\(\s*["'](https?:)?//""", text)  # no module loaded either
    assert "5 konstatējumi" in soup.get_text() and "1 + 1" not in soup.get_text()


def test_a_field_no_input_has_is_named_in_the_pages_language():
    """Seen on the review (issue 28): the policy's contact fields read "E-pasts / email,
    Tālrunis / phone, shipping phone" — the inputs' headings, then a catalogue name with its
    underscore taken out, English on a Latvian page."""
    import pandas as pd

    from zimes_audit.views.page import Page

    headings = pd.DataFrame({"file": ["k.xlsx"], "heading": ["E-pasts"], "field": ["email"]})
    assert Page("lv", headings=headings).fields("email, shipping_phone") == (
        "E-pasts, saņēmēja tālrunis"
    )
    assert (
        Page("en", headings=headings).fields("email, shipping_phone") == "E-pasts, shipping phone"
    )


def test_the_requests_table_has_one_column_per_heading_and_english_times_read_plainly():
    """Seen on the English audit.html (issue 28): the open-requests table had the heading
    "request" four times (request_id and request both "request"; selecting columns by a
    repeated name doubled each), and the run's start read "2026-12-07T20:42:32+00:00"; and
    the trend chart's title said "over the 1 run(s)"."""
    import pandas as pd

    from zimes_audit.views.page import Page

    columns = ["request_id", "request", "received", "due_date", "status", "covered", "left"]
    for language in ("lv", "en"):
        shown = Page(language).table(pd.DataFrame(columns=columns)).columns.tolist()
        assert len(shown) == len(columns) and len(set(shown)) == len(columns), (language, shown)
    twice = pd.DataFrame([[1, 2]], columns=["request_id", "request"]).rename(
        columns={"request": "request_id"}
    )
    assert Page("en").table(twice).shape == (1, 2)  # a repeated heading is not doubled
    assert Page("en").date("2026-12-07T20:42:32+00:00") == "2026-12-07 20:42:32 UTC"
    title = "Since the last audit: findings over the {} run(s) of these inputs"
    en = Page("en")
    assert en._templated(en._charts, title.format(1)).endswith("over the 1 run of these inputs")
    assert en._templated(en._charts, title.format(2)).endswith("over the 2 runs of these inputs")


def test_who_decided_is_headed_as_on_the_workbook():
    """Seen on month 2's Latvian audit.html: the exceptions' column read "lēma" ("decided"),
    a verb alone; the workbook heads the same column "Kas lēma"."""
    from zimes_audit.views.page import Page
    from zimes_audit.words.labels import labels

    for language in ("lv", "en"):
        shown = Page(language).column("decided_by")
        assert shown == labels(language).heading("decided_by").lower(), (language, shown)

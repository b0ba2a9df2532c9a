"""What the administrator reads in the terminal speaks one language: Latvian by default, English
with ``--lang en`` (issue 28).

The console of ``run`` (a first run and the next one, which compares) and of ``inventory`` in
Latvian holds no word of an English word list and no catalogue field id (``customer_id``: the
snake_case names of ``procedure/data/field_catalogue.toml``), and every count agrees with its
word (``1 konstatējums``, ``21 ierakstā``, never ``1 klientus``); in English it holds no Latvian.
What is the input's own — file names, the files' headings and yes/no spellings, the sheet's
name — and the rule ids are taken out before the words are checked.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_runner import invoke
from conftest import AS_OF, SAMPLES
from test_run import write_inputs

from zimes_audit.loading import load_inputs
from zimes_audit.procedure.catalogue import load_catalogue
from zimes_audit.words.labels import labels
from zimes_audit.words.plural import form

ENGLISH = {
    "the", "and", "of", "in", "not", "no", "as", "is", "are", "run", "audit", "findings",
    "finding", "records", "record", "rows", "row", "rule", "open", "since", "new", "resolved",
    "still", "overdue", "exceptions", "report", "administrator", "skipped", "data", "file",
    "kind", "read", "note", "column", "field", "category", "filled", "header", "delimiter",
    "sheet", "names", "catalogue", "fields", "taken", "register", "orders", "export",
    "customer", "operational", "permitted", "unknown", "unclassified", "name", "contact",
    "dates", "history", "decisions", "expectations", "every", "earlier", "warning", "error",
    "above", "title", "headings", "encoding", "byte", "mark", "marked", "done", "present",
}  # fmt: skip
LATVIAN = re.compile(r"[āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ]|\b(un|nav|ir|kā|lapa|rinda|rindas|veids)\b")
# a count and the word that agrees with it, by form (words/plural.py)
FORMS = {
    "konstatējums": "one", "konstatējumi": "other", "ierakstā": "one", "ierakstos": "other",
    "pārbaude": "one", "pārbaudes": "other", "klientu": "one", "klientus": "other",
    "pasūtījumam": "one", "pasūtījumiem": "other", "rindai": "one", "rindām": "other",
    "ierakstu": "one", "ierakstus": "other", "automātiskā": "one", "automātiskās": "other",
}  # fmt: skip


def _runs(inputs: Path, base: Path, language: str) -> list[str]:
    """The console (stdout and stderr) of a first run and of the next day's, in ``language``."""
    printed = []
    for day in (AS_OF.isoformat(), "02.11.2026"):
        done = invoke("run", str(inputs), "--as-of", day, "--no-notebook", "--lang", language,
                      cwd=base)  # fmt: skip
        assert done.returncode == 0, done.stderr
        printed.append(done.stdout + done.stderr)
    return printed


@pytest.fixture(scope="module")
def console(tmp_path_factory) -> dict[str, str]:
    """Per language, the console of two runs of a small shop and of the sample's inventory,
    with what belongs to the inputs taken out (:func:`_own_words`); ``raw-<language>`` as
    printed."""
    inputs = write_inputs(tmp_path_factory.mktemp("console") / "inputs")
    tables = [*load_inputs([SAMPLES]), *load_inputs([inputs])]
    own = {c.heading for t in tables for c in t.columns} | {"Klienti", "jā", "nē", "yes", "no"}
    out = {}
    for language in ("lv", "en"):
        base = tmp_path_factory.mktemp(f"console-{language}")
        inventory = invoke("inventory", str(SAMPLES), "--lang", language)
        assert inventory.returncode == 0, inventory.stderr
        printed = "\n".join([*_runs(inputs, base, language), inventory.stdout, inventory.stderr])
        out[f"raw-{language}"], out[language] = printed, _own_words(printed, own)
    return out


def _own_words(text: str, own: set[str]) -> str:
    """``text`` without what belongs to the inputs (``own``: the files' headings, sheet names,
    yes/no spellings; file names and paths) and without rule ids and hashes."""
    for heading in sorted(own, key=len, reverse=True):
        text = re.sub(rf"(?<![\w-]){re.escape(heading)}(?![\w-])", " ", text)
    text = re.sub(r"\S*[/\\]\S*|\S+\.(csv|xlsx|md|json|toml|sqlite)\b", " ", text)
    return re.sub(r"\b[A-Z][A-Z0-9]*(-[A-Z0-9]+)+\b|\b[0-9a-f]{12}\b", " ", text)


def test_the_latvian_console_has_no_english_word_and_no_field_id(console):
    text = console["lv"]
    words = set(re.findall(r"[^\W\d]+(?:_[^\W\d]+)*", text.lower()))
    assert words & ENGLISH == set(), sorted(words & ENGLISH)
    ids = {name for name in load_catalogue().fields if "_" in name}
    assert words & ids == set(), sorted(words & ids)
    assert "Audits uz 01.11.2026:" in console["raw-lv"] and "Kopš audita 01.11.2026" in text


def test_the_english_console_has_no_latvian(console):
    text = console["en"]
    found = [line for line in text.splitlines() if LATVIAN.search(line)]
    assert found == []
    assert "Audit as of 2026-11-01:" in console["raw-en"] and "Since the run of 2026-11-01" in text


def test_every_count_in_the_latvian_console_agrees_with_its_word(console):
    pairs = re.findall(r"\b(\d+) ([^\W\d]+)", console["raw-lv"])
    checked = [(n, w) for n, w in pairs if w in FORMS]
    assert checked, "no counted word found"
    assert [(n, w) for n, w in checked if FORMS[w] != form(int(n))] == []


@pytest.mark.parametrize("count", [0, 1, 2, 11, 21, 101, 111])
def test_each_counted_console_phrase_takes_the_form_its_number_takes(count):
    lv = labels("lv")
    for key in ("findings", "records_in", "expectations"):
        text = lv.counted("console", key, count)
        words = [w for w in re.findall(r"\w+", text) if w in FORMS]
        assert words and all(FORMS[w] == form(count) for w in words), text

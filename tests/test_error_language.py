"""What a broken policy, suite or field map is, and the comments of the inventory's lines to paste,
are worded in the command's language (issue 28): Latvian by default, English with ``--lang en``.

Each error is raised for real (a policy, a field map or a suite file broken one way) and rendered
in both languages: the Latvian line holds none of an English word list once what the file itself
says (its keys and headings, in quotes or brackets, its path) is taken out, the English line no
Latvian.  The wording is ``[<language>.errors.problems]``, one key per problem, and a drift check
keeps the keys, the placeholders and the raisers in step.
"""

from __future__ import annotations

import re
import string
import tomllib
from importlib import resources
from pathlib import Path

import pytest

from zimes_audit.errors import AuditError
from zimes_audit.loading import load_file
from zimes_audit.procedure.field_map import load_field_map, parse_field_map
from zimes_audit.procedure.policy import DEFAULT_POLICY, parse_policy
from zimes_audit.views.inventory import render_inventory
from zimes_audit.words.labels import LANGUAGES, labels

ENGLISH = {
    "the", "is", "are", "must", "be", "not", "of", "and", "or", "a", "an", "missing", "valid",
    "field", "catalogue", "whole", "number", "above", "region", "code", "terms", "negative",
    "cannot", "read", "as", "text", "heading", "names", "which", "given", "both", "one", "list",
    "quotes", "unknown", "key", "section", "table", "tables", "lower", "case", "letters",
    "digits", "second", "map", "beside", "inputs", "pass", "use", "with", "lacks", "suite",
    "files", "found", "expectation", "did", "you", "mean", "already", "add", "its", "under",
    "such", "file", "policy", "line", "fix", "leave", "out", "compare", "it", "decide",
    "values", "suggest", "if", "so", "column", "true", "false", "int", "headings", "present",
    "none", "vs", "id", "order", "customer", "created", "at", "payment", "status", "product",
    "consent", "orders", "register", "neither", "export", "fit", "equally", "well", "error",
    "device", "busy", "operation", "permitted", "space", "left", "too", "long", "levels",
    "links", "directory", "quota", "exceeded", "stale", "handle", "system", "resource",
    "permission", "denied", "only", "input", "output",
}  # fmt: skip
LATVIAN = re.compile(r"[āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ]|\b(un|nav|ir|kā|vai|jābūt|lauks|rinda)\b")
# what the file says, and the TOML words one types: left out before the words are checked
TYPED = {"fields", "headings", "category", "type", "scan", "personal", "toml", "utf", "json",
         "gx", "meta", "operational", "not-permitted", "name", "true", "false", "text", "code",
         "date", "datetime", "bool", "number"}  # fmt: skip


def _words(line: str) -> set[str]:
    """The words of ``line`` a person reads: without quoted or bracketed parts (the file's own
    keys and headings), paths, options and TOML words."""
    line = re.sub(r"'[^']*'|\"[^\"]*\"|\[[^\]]*\]|\S*(?:[/\\_]|\.\w)\S*|--\w[-\w]*", " ", line)
    words = set(re.findall(r"[^\W\d]+(?:-[^\W\d]+)*", line.lower()))
    return {w for w in words if w not in TYPED and w.upper() != w or len(w) > 1} - TYPED


def _policy(old: str, new: str) -> bytes:
    text = resources.files("zimes_audit.procedure.data").joinpath(DEFAULT_POLICY).read_text("utf-8")
    assert old in text
    return text.replace(old, new, 1).encode("utf-8")


POLICIES = [  # (old, new): one broken setting each
    ("retention_years = 5", 'retention_years = "five"'),
    ("retention_years = 5", "retention_years = -1"),
    ("retention_years = 5\n", ""),
    ("FIX_DATA = 30", ""),
    ('"shipping_phone"]', '"shiping_phone"]'),
    ('default_region = "LV"', 'default_region = "Latvia"'),
    ("[terms]", "[terms"),
    ("bulk_job_threshold = 1000", "bulk_job_threshold = 0"),
]
FIELD_MAPS = [
    '[fields.gift]\ncategory = "6.9"\n',
    '[headings]\n"Kontakti" = "emial"\n',
    '[headings]\n"Kontakti" = "zzzzzz"\n',
    '[fields.gift]\ncategory = "6.5"\ntype = "string"\n',
    '[fields.gift]\ncategory = "6.5"\ncolour = 1\n',
    '[field.gift]\ncategory = "6.5"\n',
    '[fields.gift]\ncategory = "6.5\n',
    '[fields.davana]\ncategory = "6.5"\nheadings = ["ziņa"]\n[fields.sveiciens]\ncategory = "6.7"\nheadings = ["ziņa"]\n',
    '[fields.Gift]\ncategory = "6.5"\n',
    '[fields.email]\ncategory = "6.2"\n',
    '[fields.gift]\ncategory = "6.5"\nheadings = "ziņa"\n',
    '[fields.gift]\ncategory = "6.5"\nscan = "jā"\n',
    'fields = 1\n',
    'headings = 1\n',
    '[headings]\n"Kontakti" = 1\n',
    '[headings]\n"--" = "email"\n',
    '[fields]\ngift = 1\n',
]  # fmt: skip


def _raised(call) -> AuditError:
    with pytest.raises(AuditError) as caught:
        call()
    return caught.value


def _errors(tmp_path: Path) -> list[AuditError]:
    found = [_raised(lambda b=b: parse_policy(_policy(*b), "politika.toml")) for b in POLICIES]
    found.append(_raised(lambda: parse_policy(b"\xff\xfe[terms]", "politika.toml")))
    found += [_raised(lambda t=t: parse_field_map(t, "zimes-fields.toml")) for t in FIELD_MAPS]
    (tmp_path / "latin.toml").write_bytes('[headings]\n"Ziņa" = "notes"\n'.encode("cp1257"))
    found.append(_raised(lambda: load_field_map(tmp_path / "latin.toml")))
    found.append(_raised(lambda: load_field_map(tmp_path / "nav.toml")))
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "zimes-fields.toml").write_text("", encoding="utf-8")
    from zimes_audit.procedure.field_map import find_field_map

    found.append(_raised(lambda: find_field_map([tmp_path / "a", tmp_path / "b"])))
    from zimes_audit.checks.suites import ExpectationMeta, load_suite_json

    (tmp_path / "zimes_orders.json").write_text("{", encoding="utf-8")
    found.append(_raised(lambda: load_suite_json("orders", tmp_path)))
    found.append(_raised(lambda: ExpectationMeta.of({}, "zimes_orders.json")))
    for name, headings in (("kontakti.csv", "E-pasts;Vārds"), ("pasutijumi.csv", "Pasūtījuma nr.;E-pasts"),
                           ("abi.csv", "Klienta ID;Piekrišana;Pasūtījuma nr.;Summa")):  # fmt: skip
        row = ";".join(["1"] * (headings.count(";") + 1))
        (tmp_path / name).write_text(f"{headings}\n{row}\n", "utf-8")
        found.append(_raised(lambda n=name: load_file(tmp_path / n)))
    return found


@pytest.fixture(scope="module")
def raised(tmp_path_factory) -> list[AuditError]:
    return _errors(tmp_path_factory.mktemp("errors"))


def test_every_problem_kind_is_raised_here(raised):
    """The cases above reach every policy, field-map and suite problem but GX's own three."""
    keys = {e.facts["problem"] for e in raised if "problem" in e.facts}
    assert {type(e).__name__ for e in raised if "problem" not in e.facts} == {
        "UnknownFileKind", "AmbiguousKind"}  # fmt: skip
    gx_only = {"not_evaluated", "no_rows", "unknown_expectation", "gx_refused", "gx_dropped",
               "suites_not_found"}  # fmt: skip
    assert keys == set(labels("en").table["errors"]["problems"]) - gx_only


def test_each_problem_is_latvian_in_latvian_and_english_in_english(raised):
    for error in raised:
        lv, en = error.render("lv"), error.render("en")
        assert _words(lv) & ENGLISH == set(), (lv, sorted(_words(lv) & ENGLISH))
        assert not LATVIAN.search(" ".join(_words(en))), en
        assert str(error) == en and lv != en
        assert lv.count("\n") == en.count("\n") == 0


def test_why_a_file_is_no_kind_names_the_fields_in_latvian(raised):
    lines = [e.render("lv") for e in raised if type(e).__name__ in ("UnknownFileKind",
                                                                     "AmbiguousKind")]  # fmt: skip
    names = [Path(line.split(": ", 1)[0]).name for line in lines]
    assert names == ["kontakti.csv", "pasutijumi.csv", "abi.csv"]
    assert "(nav kolonnas pasūtījuma nr. vai klienta nr.)" in lines[0]
    assert (
        "(ir kolonna pasūtījuma nr., bet nav neviena no šiem: pasūtījuma datums, summa" in lines[1]
    )
    assert "(pasūtījumu virsraksti: pasūtījuma nr., summa (2), reģistra virsraksti: " in lines[2]


def test_the_field_map_line_is_named_in_either_language(raised):
    error = next(e for e in raised if e.facts["problem"] == "unknown_key")
    assert error.render("lv") == (
        "zimes-fields.toml: 3. rinda: [fields.gift] ir nezināma atslēga 'colour'. Izlabojiet lauku "
        "karti (zimes-audit inventory izdrukā ielīmējamās rindas) vai izlaidiet to."
    )
    assert error.render("en").startswith(
        "zimes-fields.toml: line 3: [fields.gift] has an unknown key 'colour'."
    )
    near = next(e for e in raised if e.facts["problem"] == "heading_unknown_field_near")
    assert "(vai domājāt 'email'?)" in near.render("lv")
    assert "(did you mean 'email'?)" in near.render("en")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_problem_wordings_have_the_same_keys_and_placeholders_and_each_is_raised():
    lv, en = (labels(lang).table["errors"]["problems"] for lang in LANGUAGES)
    assert lv.keys() == en.keys()
    assert [k for k in lv if _placeholders(lv[k]) != _placeholders(en[k])] == []
    source = "\n".join(
        p.read_text("utf-8") for p in Path("zimes_audit").rglob("*.py") if "words" not in p.parts
    )
    assert [key for key in lv if f'"{key}"' not in source] == []  # each raised somewhere
    assert set(re.findall(r'problem="(\w+)"', source)) - set(lv) == set()  # each one worded


# ------------------------------------------------------------------ the inventory's paste lines


@pytest.fixture(scope="module")
def pasted(tmp_path_factory) -> dict[str, str]:
    """Per language, the inventory's lines to paste for two unknown headings: "Kontakts"
    (its values are e-mail addresses; near some catalogue fields) and "Krāsa" (near none)."""
    path = tmp_path_factory.mktemp("paste") / "orders.csv"
    lines = ["Pasūtījuma nr.;Summa;Kontakts;Krāsa"]
    lines += [f"M-{n};12,50;pircejs{n}@inbox.lv;zila" for n in range(8)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = load_file(path)
    out = {}
    for language in LANGUAGES:
        text = render_inventory([table], language=language)
        out[language] = text[text.index("\n# ") + 1 :]
    return out


def _comments(block: str) -> list[str]:
    return [line.split("#", 1)[1] for line in block.splitlines() if "#" in line]


def test_the_paste_comments_are_latvian_by_default(pasted):
    comments = _comments(pasted["lv"])
    assert len(comments) == 7
    for comment in comments:
        assert _words(comment) & ENGLISH == set(), (comment, sorted(_words(comment) & ENGLISH))
    assert "# Kontakts: orders.csv, kolonna C" in pasted["lv"]
    assert "# tās vērtības liecina, ka tas ir lauks email (e-pasts) (8 no 8 vērtībām: derīgas " \
           "e-pasta adreses); ja tā, sadaļā [headings]:" in pasted["lv"]  # fmt: skip
    assert 'category = "?"  # izlemiet: 6.1 … 6.8, operational vai not-permitted' in pasted["lv"]
    assert re.search(r"^# vai, ja tas ir kāds no laukiem \w+ \(", pasted["lv"], re.M)


def test_the_paste_comments_are_english_with_lang_en_and_the_toml_is_the_same(pasted):
    for comment in _comments(pasted["en"]):
        comment = re.sub(r"Kontakts|Krāsa", " ", comment)  # the file's own headings
        assert not LATVIAN.search(" ".join(_words(comment))), comment
    assert "# its values suggest email (8 of 8 values are valid e-mail addresses)" in pasted["en"]

    def toml(block: str) -> list[str]:
        return [line.split("#", 1)[0].rstrip() for line in block.splitlines()]

    assert toml(pasted["lv"]) == toml(pasted["en"])
    decided = pasted["lv"].replace('"?"', '"6.5"')
    assert set(tomllib.loads(decided)["fields"]) == {"kontakts", "krasa"}  # pastes as it is


# ------------------------------------------------------------------ counts agree with their words

FORMS = {"lauks": "one", "lauki": "other", "rindu": "one", "rindas": "other", "kolonnu": "one",
         "kolonnas": "other", "šūna": "one", "šūnas": "other", "kolonnā": "one",
         "kolonnās": "other"}  # fmt: skip


@pytest.mark.parametrize("count", [1, 2, 11, 21, 101, 111, 16385])
def test_every_count_in_an_error_agrees_with_its_word(count):
    from zimes_audit import errors
    from zimes_audit.words.plural import form

    made = [
        errors.MalformedRow("k.csv", row=4, found=count, expected=3),
        errors.TruncatedFile("k.csv", row=9, found=count, expected=3),
        errors.TooManyColumns("k.csv", row=2, found=count, limit=10000),
        errors.TooWide("k.xlsx", found=count, limit=10000),
        errors.TooLargeSheet("k.xlsx", sheet="Lapa1", rows=count, columns=count, limit=count),
    ]
    for error in made:
        lv = error.render("lv")
        pairs = [(int(n), w) for n, w in re.findall(r"\b(\d+) (\w+)", lv) if w in FORMS]
        assert pairs and all(FORMS[w] == form(n) for n, w in pairs), lv
        en = error.render("en")
        words = r"\b(\d+) (fields?|rows?|columns?|cells?)\b"
        pairs = [(int(n), w) for n, w in re.findall(words, en)]
        assert pairs and all(w.endswith("s") == (n != 1) for n, w in pairs), en


def test_a_count_given_as_a_word_takes_its_own_form():
    from zimes_audit import errors

    error = errors.MalformedRow("k.csv", row=4, found="more", expected=3)
    assert "rindā ir vairāk lauku, bet galvenē 3." in error.render("lv")
    assert "the row has more fields where the header has 3." in error.render("en")


@pytest.mark.parametrize("errno_", [1, 2, 5, 13, 16, 20, 21, 28, 30, 36, 40, 116, 122])
def test_the_systems_own_reason_for_a_file_is_latvian_too(errno_):
    """An input that cannot be read names the system's reason (``strerror``) in the language."""
    import os

    from zimes_audit.errors import UnreadableInput

    error = UnreadableInput("k.xlsx", cause=os.strerror(errno_))
    assert _words(error.render("lv")) & ENGLISH == set(), error.render("lv")
    assert os.strerror(errno_) in error.render("en")

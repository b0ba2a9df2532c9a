"""``--help``, argparse's own words and ``sample``'s lines speak the command's language: Latvian by
default, English with ``--lang`` (issue 28).

Each command's help in Latvian holds none of an English word list — argparse's own words
("usage", "options", "positional arguments", "show this help message and exit") among them — and
holds the Latvian ones; in English, the reverse.  A usage mistake argparse finds is one line in
the language, with exit status 2 (docs/contracts.md).  What is typed as it is — options, file
names, paths, example command lines, choices, rule ids — is taken out before the words are
checked.
"""

from __future__ import annotations

import re

import pytest
from cli_runner import invoke
from test_help import COMMANDS

from zimes_audit.cli import build_parser
from zimes_audit.words.labels import LANGUAGES, labels
from zimes_audit.words.plural import form

ENGLISH = {
    "usage", "options", "positional", "arguments", "argument", "show", "help", "message", "exit",
    "required", "invalid", "examples", "default", "the", "and", "of", "or", "folder",
    "file", "files", "report", "inputs", "language", "today", "write", "writes", "person",
    "request", "records", "choose", "expected", "unrecognized", "error", "see", "audit",
    "orders", "register", "rows", "seed", "wrote", "planted", "findings", "valid", "sample",
    "commands", "command", "ambiguous", "could", "match", "ignored", "explicit", "value",
}  # fmt: skip
LATVIAN = re.compile(r"[āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ]|\b(un|nav|ir|kā|vai|mape|faili)\b")
TYPED = {"access", "erasure", "correction", "objection", "lv", "en", *COMMANDS}


def _words(text: str) -> set[str]:
    """The words of ``text`` a person reads in its language: without command lines (example
    lines, backticks), options, paths and file names, rule ids, the choices one types."""
    text = re.sub(
        r"^  zimes-audit .*$|zimes-audit|`[^`]*`|\{[^}]*\}|\S*(?:[/\\<>_@]|\.\w)\S*",
        " ",
        text,
        flags=re.M,
    )
    text = re.sub(r"(?<!\w)-[-\w]+|\b[A-Z][A-Z0-9]*(-[A-Z0-9]+)+\b|\"ZĪMES\"", " ", text)
    return set(re.findall(r"[^\W\d_]+", text.lower())) - TYPED


def _help(language: str, *command: str) -> str:
    done = invoke(*command, "--help", "--lang", language, columns=100)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return done.stdout


@pytest.mark.parametrize("command", [(), *((c,) for c in COMMANDS)], ids=["main", *COMMANDS])
def test_each_help_in_latvian_has_no_english_word_and_argparse_speaks_latvian(command):
    text = _help("lv", *command)
    assert _words(text) & ENGLISH == set(), sorted(_words(text) & ENGLISH)
    assert text.startswith("lietošana: zimes-audit")
    for words in ("\nopcijas:\n", "-h, --help", "parādīt šo palīdzību un iziet", "\npiemēri:\n"):
        assert words in text, words
    assert ("pozicionālie argumenti:" in text) == (command in (("run",), ("inventory",),
                                                              ("review",), ("subject",)))  # fmt: skip
    if not command:
        assert "\nkomandas:\n" in text and "KOMANDA" in text


@pytest.mark.parametrize("command", [(), *((c,) for c in COMMANDS)], ids=["main", *COMMANDS])
def test_each_help_in_english_has_no_latvian(command):
    text = _help("en", *command)
    found = [line for line in text.splitlines() if LATVIAN.search(" ".join(_words(line)))]
    assert found == []
    assert text.startswith("usage: zimes-audit")
    for words in ("\noptions:\n", "show this help message and exit", "\nexamples:\n"):
        assert words in text, words


def test_every_option_of_every_command_has_its_own_words_in_both_languages():
    """A dest with no text in either language would be a KeyError at build time; the texts
    differ between the languages, and the examples are the same command lines in both."""
    helps = {}
    for language in LANGUAGES:
        parser = build_parser(language)
        (sub,) = [a for a in parser._actions if hasattr(a, "choices") and a.dest == "command"]
        helps[language] = {
            (name, action.dest): action.help
            for name, command in sub.choices.items()
            for action in command._actions
        }
        assert all(text and text.strip() for text in helps[language].values())
    assert helps["lv"].keys() == helps["en"].keys()
    same = [key for key in helps["lv"] if helps["lv"][key] == helps["en"][key]]
    assert same == []
    for command in ("main", *COMMANDS):
        lv, en = (labels(lang).table["help"][command]["examples"] for lang in LANGUAGES)
        assert [c for c, _ in lv] == [c for c, _ in en], command


MISTAKES = [  # (arguments, the Latvian words, the English words)
    (["sample"], "trūkst obligāto argumentu: --out",
     "the following arguments are required: --out"),
    (["run", "x/", "--lang", "de"], "--lang: nederīga vērtība 'de' (izvēlieties kādu no: 'lv', 'en')",
     "argument --lang: invalid choice: 'de' (choose from 'lv', 'en')"),
    (["inspect"], "KOMANDA: nederīga vērtība 'inspect'", "argument COMMAND: invalid choice: 'inspect'"),
    (["run", "x/", "--as-of"], "--as-of: pēc tā jānorāda viena vērtība",
     "argument --as-of: expected one argument"),
    (["run", "x/", "--bogus"], "nezināmi argumenti: --bogus", "unrecognized arguments: --bogus"),
    (["sample", "--out", "d", "--orders", "abc"], "--orders: 'abc' nav vesels skaitlis",
     "argument --orders: invalid int value: 'abc'"),
    (["subject", "x/", "--confirm"], "--confirm: pēc tā jānorāda vismaz viena vērtība",
     "argument --confirm: expected at least one argument"),
    (["run", "x/", "--future-as-of=yes"], "--future-as-of: šai opcijai vērtību nenorāda ('yes')",
     "argument --future-as-of: ignored explicit argument 'yes'"),
    (["subject", "x/", "--c", "1"], "neviennozīmīga opcija: --c var nozīmēt",
     "ambiguous option: --c could match"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "latvian", "english"), MISTAKES, ids=[m[1][:24] for m in MISTAKES]
)
def test_a_usage_mistake_is_one_line_in_the_language(args, latvian, english, tmp_path):
    done = invoke(*args, cwd=tmp_path)  # Latvian, the default
    assert (done.returncode, done.stdout) == (2, "")
    assert re.fullmatch(r"(zimes-audit[ a-z]*): kļūda: .+ \(sk\. \1 --help\)\n", done.stderr)
    assert latvian in done.stderr
    typed = set(args) | {"--c", "x", "y", "abc", "inspect", "bogus"}
    leaked = _words(done.stderr.replace(latvian, " ")) | _words(latvian)
    assert leaked - typed & ENGLISH == set()
    done = invoke("--lang", "en", *args, cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
    assert re.fullmatch(r"(zimes-audit[ a-z]*): error: .+ \(see \1 --help\)\n", done.stderr)
    assert english in done.stderr
    assert done.stderr.count("\n") == 1 and not LATVIAN.search(done.stderr)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_impossible_received_date_is_one_line_naming_the_option(language, tmp_path):
    done = invoke("subject", "x/", "--email", "a@b.lv", "--received", "31.11.2026",
                  "--lang", language, cwd=tmp_path)  # fmt: skip
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    words = {"lv": "--received 31.11.2026: tādas dienas kalendārā nav.",
             "en": "--received 31.11.2026: there is no such day in the calendar."}  # fmt: skip
    assert words[language] in done.stderr and "Traceback" not in done.stderr


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> dict[str, str]:
    """What ``zimes-audit sample`` prints, per language (a small sample, written once each)."""
    out = {}
    for language in LANGUAGES:
        folder = tmp_path_factory.mktemp("sample") / language
        # --lang before the command: the command's own default must not win over it
        done = invoke("--lang", language, "sample", "--orders", "30", "--customers", "12",
                      "--out", str(folder), "--as-of", "30.11.2026")  # fmt: skip
        assert done.returncode == 0, done.stderr
        out[language] = done.stdout
    return out


def test_sample_prints_latvian_with_the_count_agreeing(samples):
    text = samples["lv"]
    assert text.startswith("Ierakstīts sintētisks paraugs (sēkla 2026, derīgs uz 30.11.2026):\n")
    assert _words(text) & ENGLISH == set(), sorted(_words(text) & ENGLISH)
    count, adjective, noun = re.search(
        r"^(\d+) (iestrādāt\w+) (konstatējum\w+);", text, re.M
    ).groups()
    forms = {"one": ("iestrādāts", "konstatējums"), "other": ("iestrādāti", "konstatējumi")}
    assert (adjective, noun) == forms[form(int(count))]
    command = re.search(r"auditējiet ar: zimes-audit (run .*)$", text, re.M).group(1).split()
    assert build_parser().parse_args(command).as_of == "30.11.2026"  # the line runs as printed


def test_sample_prints_english_with_lang_en(samples):
    text = samples["en"]
    assert text.startswith("Wrote a synthetic sample (seed 2026, valid as of 2026-11-30):\n")
    assert re.search(r"^\d+ planted findings; audit it with: zimes-audit run \S+ --as-of "
                     r"2026-11-30$", text, re.M)  # fmt: skip
    assert not any(LATVIAN.search(" ".join(_words(line))) for line in text.splitlines())


@pytest.mark.parametrize("count", [1, 2, 11, 21, 111])
def test_the_planted_count_phrase_takes_the_form_its_number_takes(count):
    text = labels("lv").say("console", "sample_planted", count=count, out="d", as_of="x")
    singular = text.split(";")[0].endswith("konstatējums")
    assert singular == (form(count) == "one"), text

"""`zimes-audit --help` teaches: each command once, examples that work as written, and a clear
word when the input is missing."""

from __future__ import annotations

import argparse
import re
import shlex
from pathlib import Path

import pytest
from cli_runner import Invoked, invoke
from test_run import write_inputs

from zimes_audit.cli import build_parser
from zimes_audit.words.labels import LANGUAGES, labels


def _commands() -> tuple[str, ...]:
    (action,) = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return tuple(action.choices)


COMMANDS = _commands()  # every command the parser has: each needs help and examples


def zimes(*args: str, cwd: Path | None = None) -> Invoked:
    return invoke(*args, cwd=cwd, columns=100)


def help_text(*command: str) -> str:
    done = zimes(*command, "--help")
    assert done.returncode == 0, done.stderr
    return done.stdout


def examples(text: str) -> list[list[str]]:
    """The command lines of a help text's ``piemēri:`` / ``examples:`` section, split as a shell
    would."""
    headings = "|".join(re.escape(labels(lang).table["help"]["examples"]) for lang in LANGUAGES)
    found = re.findall(rf"^(?:{headings})\n((?:  .*\n)+)", text, re.M)
    assert found, "no examples section"
    lines = [line.strip() for block in found for line in block.splitlines()]
    # a comment after the command is separated from it by two or more spaces
    return [shlex.split(re.split(r"\s{2,}", line)[0]) for line in lines]


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_command_is_listed_once_with_what_it_does(language):
    text = help_text("--lang", language)
    listed = [line.split()[0] for line in text.splitlines() if line.startswith("    ")]
    assert listed == list(COMMANDS)
    before_examples = text.split(labels(language).table["help"]["examples"])[0]
    for command in COMMANDS:
        assert len(re.findall(rf"\b{command}\b(?!\.)", before_examples)) == 1, command
    assert "{" + ",".join(COMMANDS) + "}" not in text
    assert {"run", "inventory", "sample"} <= set(COMMANDS)


@pytest.mark.parametrize("command", [(), *((c,) for c in COMMANDS)], ids=["main", *COMMANDS])
def test_every_help_has_examples_that_parse(command):
    found = examples(help_text(*command))
    assert 1 <= len(found) <= 3
    parser = build_parser()
    for example in found:
        assert example[0] == "zimes-audit"
        args = parser.parse_args(example[1:])  # every option and value exists as written
        if command:
            assert args.command == command[0]
        if getattr(args, "needs_input", None) is not None:
            assert args.inputs, "an example must name its input"


def test_the_help_examples_run_as_written(tmp_path):
    """The examples, executed in a folder holding the files they name (real-looking ones)."""
    known = (
        "run",
        "inventory",
        "sample",
        "review",
        "subject",
    )  # a new command: add how to run them here
    assert set(known) == set(COMMANDS)
    found = [e for c in ((), *((c,) for c in known)) for e in examples(help_text(*c))]
    lines = [list(e) for e in dict.fromkeys(map(tuple, found))]  # the same line runs once
    orders_like = write_inputs(tmp_path / "kept")
    named = {p for e in lines for p in e if p.endswith((".csv", ".xlsx"))}
    for name in named:
        source = "orders.csv" if name.endswith(".csv") else "register.xlsx"
        (tmp_path / name).write_bytes((orders_like / source).read_bytes())
    export = tmp_path / "exports" / "2026-11"
    export.mkdir(parents=True)
    for path in orders_like.iterdir():
        (export / path.name).write_bytes(path.read_bytes())
    for example in lines:
        args = example[1:]
        if args[0] == "run":
            # as written, but with the audit date pinned and without executing the notebook
            # (test_notebooks does that)
            args = [*args, "--no-notebook"]
            if "--as-of" not in args:
                args += ["--as-of", "2026-11-30"]
        if args[0] == "subject" and "--received" not in args:  # the request's date pinned
            args = [*args, "--received", "2026-12-05"]
        if args[0] == "sample":
            args = [a.replace("5000", "50").replace("1500", "20") for a in args]  # smaller
            args[args.index("--out") + 1] = str(tmp_path / f"sample-{lines.index(example)}")
        done = zimes(*args, cwd=tmp_path)
        assert done.returncode == 0, (example, done.stderr)
    assert (tmp_path / "reports" / "november" / "findings.csv").is_file()
    assert (tmp_path / "reports" / "2026-11-30-review.html").is_file()
    assert (tmp_path / "requests" / "2026-12-05-access" / "access.html").is_file()
    assert (tmp_path / "requests" / "2026-11-05-erasure" / "plan.html").is_file()


@pytest.mark.parametrize("command", ["run", "inventory"])
def test_a_command_without_input_says_how_to_name_one(tmp_path, command):
    done = zimes(command, "--lang", "en", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"zimes-audit {command}: error: name the exported files or their folder, e.g. "
        f"`zimes-audit {command} exports/2026-11/` (the demo audit of data_samples/ is "
        f"`make audit`) (see zimes-audit {command} --help)"
    ]
    done = zimes(command, cwd=tmp_path)  # Latvian, the default
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"zimes-audit {command}: kļūda: norādiet eksportētos failus vai to mapi, piemēram, "
        f"`zimes-audit {command} exports/2026-11/` (data_samples/ parauga auditu veic "
        f"`make audit`) (sk. zimes-audit {command} --help)"
    ]
    assert "data_samples: no such file" not in done.stderr
    assert list(tmp_path.iterdir()) == []  # nothing was created

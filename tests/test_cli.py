"""The command line says only true things: every command documents itself, and every command an
error message tells the user to run exists and runs."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import re
import shlex

import pytest

from zimes_audit.checks.suites import SUITE_NAMES, suite_path
from zimes_audit.cli import build_parser
from zimes_audit.words.labels import LANGUAGES, labels


def _commands(language: str = "lv") -> dict[str, argparse.ArgumentParser]:
    parser = build_parser(language)
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def _hinted_commands() -> list[tuple[str, str]]:
    """(error key, command) for every command written in backticks in an error's hint, in
    either language of the catalogue."""
    found = set()
    for language in LANGUAGES:
        for key, words in labels(language).table["errors"].items():
            hint = words.get("hint", "") if isinstance(words, dict) else ""
            found |= {(key, command) for command in re.findall(r"`([^`]+)`", hint)}
    return sorted(found)


@pytest.mark.parametrize("name", sorted(_commands()))
def test_every_command_has_help_for_itself_and_each_option(name, capsys):
    command = _commands()[name]
    assert re.search(rf"^\s+{name}\s+\S", build_parser().format_help(), re.M), (
        f"{name} missing from --help"
    )
    assert (command.description or "").strip()
    for action in command._actions:
        if not isinstance(action, argparse._HelpAction):
            assert (action.help or "").strip(), f"{name} {action.dest} has no help"
    with pytest.raises(SystemExit) as done:
        command.parse_args(["--help"])
    assert done.value.code == 0
    assert f"zimes-audit {name}" in capsys.readouterr().out


def _examples(help_text: str, heading: str = "examples:") -> list[str]:
    """The command lines under ``heading`` in a help text (before any two-space comment)."""
    blocks = re.findall(rf"^{heading}\n(.*?)(?:\n\n|\Z)", help_text, re.M | re.S)
    lines = [line for block in blocks for line in block.splitlines() if line.strip()]
    return [re.split(r"\s{2,}", line.strip())[0] for line in lines]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", sorted(_commands()))
def test_every_command_shows_examples_that_parse(name, language, capsys):
    """Each command's --help ends with examples, and each example is a valid command line."""
    with pytest.raises(SystemExit):
        _commands(language)[name].parse_args(["--help"])
    shown = capsys.readouterr().out
    heading = labels(language).table["help"]["examples"]
    assert f"\n{heading}\n" in shown, f"zimes-audit {name} --help has no examples"
    examples = _examples(shown, heading)
    assert examples
    for example in examples:
        argv = shlex.split(example)
        assert argv[:2] == ["zimes-audit", name], example
        args = build_parser().parse_args(argv[1:])  # an unknown option would exit 2
        assert args.command == name


def test_the_description_names_no_command_that_does_not_exist():
    commands = build_parser("en").format_help().split("\ncommands:\n", 1)[1].split("\n\n", 1)[0]
    listed = re.findall(r"^\s+(\w+)\s{2,}", commands, re.M)
    assert sorted(listed) == sorted(_commands())  # each command once, none that does not exist


def test_error_hints_name_commands():
    assert ("SuiteError", "python -m zimes_audit.checks.suites --sync") in _hinted_commands()


@pytest.mark.parametrize(("error", "command"), _hinted_commands())
def test_every_command_an_error_hint_names_runs(error, command, tmp_path):
    """Each hinted command, as written: ``python -m MODULE ARGS`` is MODULE's ``main(ARGS)`` (run
    in this process), ``zimes-audit ARGS`` the command line's."""
    argv = shlex.split(command)
    if argv[0] == "zimes-audit":
        argv[:1] = ["python", "-m", "zimes_audit.cli"]
    assert argv[:2] == ["python", "-m"], command
    module, args = importlib.import_module(argv[2]), argv[3:]
    if argv[2] == "zimes_audit.checks.suites":
        args += ["--dir", str(tmp_path)]  # write the suites here, not over the committed ones
    with contextlib.redirect_stdout(io.StringIO()):
        assert module.main(args) == 0, f"{error}: `{command}` failed"
    if argv[2] == "zimes_audit.checks.suites":
        for kind in SUITE_NAMES:
            assert suite_path(kind, tmp_path).read_bytes() == suite_path(kind).read_bytes()

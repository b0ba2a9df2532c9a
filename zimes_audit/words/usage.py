"""argparse, speaking the catalogue: every word of ``--help`` and of a usage mistake in the
command's language (``[<language>.help]`` of ``data/labels.toml``).

argparse writes its own words ("usage:", "options", "show this help message and exit", "the
following arguments are required") in English, bound through gettext when it is imported.  Here
they come from the catalogue instead, without touching argparse's module: :class:`Formatter`
gives the usage prefix, :class:`Parser` the section titles, the ``--help`` option's text and the
one-line error, whose message — argparse's English — is written in the language by the templates
of ``[<language>.help.argparse]`` (:func:`argparse_message`).  Each command's description, epilog,
examples and option texts are the catalogue's too (:meth:`Parser.word`); code declares only the
options.  A usage mistake exits with argparse's status, 2 (``docs/contracts.md``).

>>> from zimes_audit.words.labels import labels
>>> lv = labels("lv")
>>> argparse_message(lv, "the following arguments are required: --out")
'trūkst obligāto argumentu: --out'
>>> argparse_message(lv, "argument --lang: invalid choice: 'de' (choose from 'lv', 'en')")
"--lang: nederīga vērtība 'de' (izvēlieties kādu no: 'lv', 'en')"
>>> argparse_message(labels("en"), "argument --orders: invalid int value: 'x'")
"argument --orders: invalid int value: 'x'"
>>> parser = Parser(prog="demo", lab=lv)
>>> print(parser.format_help().strip())
lietošana: demo [-h]
<BLANKLINE>
opcijas:
  -h, --help        parādīt šo palīdzību un iziet
"""

from __future__ import annotations

import argparse
import functools

from zimes_audit.words.labels import Labels, translated

USAGE_EXIT = 2  # argparse's status for a usage mistake, kept (docs/contracts.md, exit codes)


def argparse_message(lab: Labels, message: str) -> str:
    """One of argparse's English error messages in ``lab``'s language (nested ones too: the
    ``argument --x: …`` around another); one no template knows as argparse wrote it."""
    templates = lab.table["help"]["argparse"]
    return translated(templates, message, templates) or message


class Formatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions and examples kept as written, the usage prefix from the catalogue, each
    command listed once, aligned (no bare ``COMMAND`` line)."""

    def __init__(self, prog: str, words: dict):
        super().__init__(prog, max_help_position=24, width=100)
        self.words = words

    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        super().add_usage(usage, actions, groups, self.words["usage"] if prefix is None else prefix)

    def add_arguments(self, actions) -> None:
        super().add_arguments(actions)
        self._action_max_length = max(self._action_max_length, 18)  # "inventory" on one line

    def _format_action(self, action: argparse.Action) -> str:
        text = super()._format_action(action)
        if isinstance(action, argparse._SubParsersAction):
            text = "".join(text.splitlines(keepends=True)[1:])  # drop the "COMMAND" heading
        return text


class Parser(argparse.ArgumentParser):
    """An argument parser whose own words are ``lab``'s; a usage mistake is one line on stderr
    with where to read more."""

    def __init__(self, *args, lab: Labels, **kwargs):
        words = lab.table["help"]
        kwargs["formatter_class"] = functools.partial(Formatter, words=words)
        add_help = kwargs.pop("add_help", True)
        super().__init__(*args, add_help=False, **kwargs)
        self.lab = lab
        self._positionals.title = words["positionals"]
        self._optionals.title = words["options"]
        if add_help:
            self.add_argument("-h", "--help", action="help", help=words["common"]["help"])

    def error(self, message: str):
        line = self.lab.say("errors", "usage", prog=self.prog,
                            message=argparse_message(self.lab, message))  # fmt: skip
        self.exit(USAGE_EXIT, line + "\n")

    def add_subparsers(self, **kwargs):
        """The commands, titled in the catalogue's words, each a :class:`Parser` of ``lab``."""
        kwargs.setdefault("title", self.lab.table["help"]["commands"])
        kwargs.setdefault("parser_class", functools.partial(Parser, lab=self.lab))
        return super().add_subparsers(**kwargs)

    def word(self, command: str) -> None:
        """The texts of ``command`` (``main``: the program itself) from ``[help.<command>]``:
        description, epilog with its examples, each argument's help (by its dest; a missing
        one is a ``KeyError`` here, not a blank line in ``--help``), each metavar, and each
        subcommand's line in the list."""
        words = self.lab.table["help"]
        own = words[command]
        self.description = own["description"]
        self.epilog = own["epilog"].format(examples=examples_block(own["examples"], words))
        options = {**words["common"], **own.get("options", {})}
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    choice.help = words[choice.dest]["summary"]
            elif action.dest != "help":
                action.help = options[action.dest]
            if isinstance(action.metavar, str):
                action.metavar = words["metavars"].get(action.metavar, action.metavar)


def examples_block(examples: list[list[str]], words: dict) -> str:
    """The ``examples:`` section: each command as typed, its comment aligned after it.

    >>> from zimes_audit.words.labels import labels
    >>> print(examples_block([["zimes-audit run x/", "as of today"], ["zimes-audit run y/ --lang en", ""]],
    ...                      labels("lv").table["help"]))
    piemēri:
      zimes-audit run x/  as of today
      zimes-audit run y/ --lang en
    """
    width = max((len(command) for command, comment in examples if comment), default=0)
    lines = [
        f"  {command:<{width}}  {comment}" if comment else f"  {command}"
        for command, comment in examples
    ]
    return "\n".join([words["examples"], *lines])

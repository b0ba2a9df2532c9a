"""The ``zimes-audit`` command line.

Start-up is kept light: ``--help`` and ``--version`` import neither pandas nor Great
Expectations; each command imports what it needs when it runs.  Anything that stops a command is
one line on stderr (naming the file and row where one applies) and a non-zero exit — never a
traceback, never a personal value.  Set ``ZIMES_AUDIT_DEBUG=1`` to see the traceback of an
internal error (it may show input values: for developers only).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from datetime import date
from pathlib import Path
from typing import NoReturn

from zimes_audit import __version__
from zimes_audit.errors import AuditError, BadArgument, one_line, translated_phrase
from zimes_audit.report.layout import MANIFEST, WORKBOOK
from zimes_audit.stop import Stopped, stop_on_signals
from zimes_audit.words.labels import DEFAULT_LANGUAGE, LANGUAGES, Labels, labels
from zimes_audit.words.usage import Parser

EXIT_ERROR = 2
EXIT_INTERNAL = 3

EARLIEST_AS_OF = date(2000, 1, 1)  # no shop record the procedure covers is older
LATEST_AS_OF = date(2999, 12, 31)  # due dates (as-of + days) stay within the calendar


def _as_of(text: str, option: str = "--as-of") -> date:
    """A date as ``YYYY-MM-DD`` or, as Latvians write it, ``DD.MM.YYYY`` or ``DD.MM.YY``
    (20YY); anything else, a day the calendar does not have, or a date before 2000, is one
    line (:class:`BadArgument`, exit 2), naming ``option``.

    >>> _as_of("30.11.2026"), _as_of("2026-11-30"), _as_of(" 30.11.26 ")
    (datetime.date(2026, 11, 30), datetime.date(2026, 11, 30), datetime.date(2026, 11, 30))
    >>> _as_of("2026-11-31")
    Traceback (most recent call last):
    zimes_audit.errors.BadArgument: --as-of 2026-11-31: there is no such day in the calendar. Write a date that exists, as YYYY-MM-DD, DD.MM.YYYY or DD.MM.YY.
    >>> _as_of("30/11/2026")
    Traceback (most recent call last):
    zimes_audit.errors.BadArgument: --as-of 30/11/2026: not a date. Write it as YYYY-MM-DD, DD.MM.YYYY or DD.MM.YY.
    >>> _as_of("31.11.2026", "--received")
    Traceback (most recent call last):
    zimes_audit.errors.BadArgument: --received 31.11.2026: there is no such day in the calendar. Write a date that exists, as YYYY-MM-DD, DD.MM.YYYY or DD.MM.YY.
    >>> _as_of("0001-01-01")
    Traceback (most recent call last):
    zimes_audit.errors.BadArgument: --as-of 0001-01-01: before 2000-01-01. Write the audit date, e.g. 30.11.2026.
    """
    shown = one_line(text.strip())[:40]
    found = re.fullmatch(
        r"(\d{4})-(\d{2})-(\d{2})|(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})", text.strip()
    )
    if found is None:
        raise BadArgument(key="as_of_not_a_date", option=option, given=shown)
    if found.group(1):
        year, month, day = (int(found.group(i)) for i in (1, 2, 3))
    else:
        day, month, year = (int(found.group(i)) for i in (4, 5, 6))
        year += 2000 if len(found.group(6)) == 2 else 0
    try:
        value = date(year, month, day)
    except ValueError:
        raise BadArgument(key="as_of_no_such_day", option=option, given=shown) from None
    if value > LATEST_AS_OF:
        raise BadArgument(key="as_of_not_a_date", option=option, given=shown)
    if value < EARLIEST_AS_OF:
        raise BadArgument(
            key="as_of_too_early", option=option, given=shown, earliest=EARLIEST_AS_OF.isoformat()
        )
    return value


def _audit_date(text: str | None, *, future: bool, today: date | None = None) -> date:
    """The ``--as-of`` of ``run`` (today when not given): a date more than a year after today
    is refused unless ``--future-as-of`` confirms it (``30.11.2062`` is usually a typo).

    >>> _audit_date("30.11.2027", future=False, today=date(2026, 12, 7))
    datetime.date(2027, 11, 30)
    >>> _audit_date("30.11.2062", future=False, today=date(2026, 12, 7))
    Traceback (most recent call last):
    zimes_audit.errors.BadArgument: --as-of 30.11.2062: more than a year after today (2026-12-07). If you mean it, add --future-as-of.
    >>> _audit_date("30.11.2062", future=True, today=date(2026, 12, 7))
    datetime.date(2062, 11, 30)
    """
    today = today or date.today()
    if text is None:
        return today
    value = _as_of(text)
    if value > today.replace(year=today.year + 1, day=min(today.day, 28)) and not future:
        shown = one_line(text.strip())[:40]
        raise BadArgument(key="as_of_too_late", given=shown, today=today.isoformat())
    return value


def command_language(argv: list[str]) -> str:
    """The language a command line asks for with ``--lang`` (Latvian unless it says ``en``),
    read before argparse, so that argparse's own refusals speak it too.

    >>> command_language(["run", "x/", "--lang", "en"]), command_language(["run", "--lang=en"])
    ('en', 'en')
    >>> command_language(["run", "x/"]), command_language(["run", "--lang", "de"])
    ('lv', 'lv')
    >>> command_language(["--lang", "en", "run", "x/", "--lang", "lv"])
    'lv'

    """
    language = DEFAULT_LANGUAGE
    for at, arg in enumerate(argv):
        given = arg.split("=", 1)[1] if arg.startswith("--lang=") else None
        if arg == "--lang" and at + 1 < len(argv):
            given = argv[at + 1]
        if given in LANGUAGES:
            language = given  # the last one given, as argparse takes it
    return language


def build_parser(language: str = DEFAULT_LANGUAGE) -> argparse.ArgumentParser:
    """The command line's parser, every word of it in ``language`` (:mod:`.words.usage`: the
    texts are ``[<language>.help]`` of the catalogue; here only the options)."""
    parser = Parser(prog="zimes-audit", lab=labels(language))
    parser.add_argument("--version", action="version", version=f"zimes-audit {__version__}")
    _lang(parser)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    builders = {"run": _add_run, "inventory": _add_inventory, "review": _add_review,
                "subject": _add_subject, "sample": _add_sample}  # fmt: skip
    for name, add in builders.items():
        command = add(commands.add_parser(name, help=None))
        command.word(name)
        if name in ("run", "inventory", "subject"):  # an installed tool has no demo folder
            command.set_defaults(needs_input=command)
    parser.word("main")
    return parser


def _lang(command: argparse.ArgumentParser) -> None:
    """``--lang lv|en`` (read before argparse too: :func:`command_language`)."""
    command.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE)


def _add_run(run: Parser) -> Parser:
    run.add_argument("inputs", nargs="*", metavar="INPUT")
    run.add_argument("--as-of", default=None, metavar="DATE")
    run.add_argument("--future-as-of", action="store_true")
    run.add_argument("--out", type=Path, default=None, metavar="DIR")
    run.add_argument("--reports", type=Path, default=Path("reports"), metavar="DIR")
    run.add_argument("--policy", default=None, metavar="FILE")
    run.add_argument("--history", type=Path, default=None, metavar="FILE")
    run.add_argument("--resolutions", type=Path, default=None, metavar="FILE")
    _lang(run)
    run.add_argument("--fields", default=None, metavar="FILE")
    run.add_argument("--no-notebook", action="store_true")
    run.set_defaults(handler=_run)
    return run


def _add_inventory(inventory: Parser) -> Parser:
    inventory.add_argument("inputs", nargs="*", metavar="INPUT")
    inventory.add_argument("--fields", default=None, metavar="FILE")
    _lang(inventory)
    inventory.set_defaults(handler=_inventory)
    return inventory


def _add_review(review: Parser) -> Parser:
    review.add_argument("report_dir", type=Path, metavar="REPORT_DIR")
    review.add_argument("--out", type=Path, metavar="FILE")
    _lang(review)
    review.set_defaults(handler=_review)
    return review


def _add_sample(sample: Parser) -> Parser:
    sample.add_argument("--orders", type=int, default=400, metavar="N")
    sample.add_argument("--customers", type=int, default=140, metavar="M")
    sample.add_argument("--seed", type=int, default=2026, metavar="SEED")
    sample.add_argument("--as-of", default="2026-11-01", metavar="DATE")
    sample.add_argument("--out", type=Path, required=True, metavar="DIR")
    _lang(sample)
    sample.set_defaults(handler=_sample)
    return sample


def _add_subject(subject: Parser) -> Parser:
    subject.add_argument("inputs", nargs="*", metavar="INPUT")
    for option in ("email", "phone", "customer-id", "code", "name"):
        subject.add_argument(f"--{option}", action="append", default=[], metavar="VALUE")
    subject.add_argument(
        "--request", choices=("access", "erasure", "correction", "objection"), default=None
    )
    subject.add_argument("--received", default=None, metavar="DATE")
    subject.add_argument("--confirm", nargs="+", default=[], metavar="KEY")
    subject.add_argument("--out", type=Path, default=None, metavar="DIR")
    subject.add_argument(
        "--history", type=Path, default=Path("reports") / "zimes-history.sqlite", metavar="FILE"
    )
    _lang(subject)
    subject.add_argument("--fields", default=None, metavar="FILE")
    subject.set_defaults(handler=_subject)
    return subject


def _subject(args: argparse.Namespace) -> int:
    received = _as_of(args.received, "--received") if args.received is not None else None
    from zimes_audit.loading.discover import input_files
    from zimes_audit.report.folder import check_target

    input_files(args.inputs)
    if args.out is not None:
        check_target(args.out)
    from zimes_audit.procedure.policy import load_policy
    from zimes_audit.subject.answer import Ask, answer
    from zimes_audit.subject.identifiers import Identifiers

    policy = load_policy()
    ids = Identifiers.of(
        emails=args.email, phones=args.phone, customer_ids=args.customer_id,
        codes=args.code, names=args.name, region=policy.phone_region,
    )  # fmt: skip
    if not ids:
        raise BadArgument(key="no_person")
    ask = Ask(
        args.request, received, tuple(args.confirm), args.out, args.history, args.lang,
        args.fields,
    )  # fmt: skip
    done = answer(args.inputs, ids, ask, policy)
    lab = labels(args.lang)
    print(lab.say("console", "found", **done.found.counts()))
    if done.request_id:
        request = lab.table["requests"].get(args.request, args.request)
        print(lab.say("console", "request_recorded", request=request, steps=len(done.items),
                      due=_date(lab, done.due)))  # fmt: skip
    print(lab.say("console", "files", folder=done.folder))
    return 0


def _print_skipped(skipped, lab: Labels) -> None:
    """Each file left out, on stderr: its name and why."""
    for item in skipped:
        print(lab.left_out(item), file=sys.stderr)


def _date(lab: Labels, value: date | str) -> str:
    """A date as the console writes it in ``lab``'s language (``30.11.2026``, ``2026-11-30``)."""
    value = date.fromisoformat(value) if isinstance(value, str) else value
    return value.strftime(lab.say("console", "date_format"))


def _run(args: argparse.Namespace) -> int:
    # fast checks before the heavy imports (pandas, Great Expectations): a missing input or an
    # impossible --out is refused in a moment, not after seconds of imports
    as_of = _audit_date(args.as_of, future=args.future_as_of)
    from zimes_audit.loading.discover import input_files
    from zimes_audit.report.folder import check_target

    input_files(args.inputs)
    if args.out is not None:
        check_target(args.out)

    from zimes_audit.report.run import RunRequest, run_report

    request = RunRequest(
        args.inputs,
        as_of,
        out=args.out,
        reports_root=args.reports,
        policy=args.policy,
        notebook=not args.no_notebook,
        history=args.history,
        resolutions=args.resolutions,
        language=args.lang,
        fields=args.fields,
        command=["zimes-audit", *args.argv],
    )
    folder, result = run_report(request)
    lab = labels(args.lang)
    _print_skipped(getattr(result.tables, "skipped", []), lab)
    _print_audit(lab, as_of, result)
    manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    _print_tracking(lab, manifest)
    if result.requests is not None and len(result.requests):
        status = result.requests["status"].value_counts()
        print(lab.say("console", "requests", open=len(result.requests),
                      overdue=status.get("overdue", 0),
                      carried_out=status.get("carried_out", 0)))  # fmt: skip
    print(lab.say("console", "report", folder=folder, workbook=folder / WORKBOOK))
    return 0


def _print_audit(lab: Labels, as_of: date, result) -> None:
    """The run's counts, and its open findings by rule."""
    print(lab.say(
        "console", "audit", as_of=_date(lab, as_of),
        findings=lab.counted("console", "findings", len(result.findings)),
        records=lab.counted("console", "records_in", sum(t.rows for t in result.tables)),
        expectations=lab.counted("console", "expectations", result.expectations_run),
    ))  # fmt: skip
    held = result.findings["status"].eq("exception").to_numpy() if len(result.findings) else []
    open_findings = result.findings[~held] if len(result.findings) else result.findings
    print(lab.say("console", "by_rule", held=int(sum(held))))
    for rule, count in open_findings.groupby("rule_id", observed=True).size().items():
        print(f"  {rule:<28} {count}")


def _print_tracking(lab: Labels, manifest: dict) -> None:
    """Where the decisions came from, and the comparison with the previous run."""
    for read in manifest.get("decisions_read", []):
        print(
            lab.say("console", "decisions_read", count=read["decisions"], workbook=read["workbook"])
        )
    if manifest.get("decisions_not_understood"):
        print(lab.say("console", "not_understood", count=len(manifest["decisions_not_understood"])))
    previous, counts = manifest["previous_run"], manifest["since_last_run"]
    if previous:
        print(lab.say("console", "since", as_of=_date(lab, previous["as_of"]),
                      path=previous["path"], **counts))  # fmt: skip
    else:
        print(lab.say("console", "first_run"))


def _inventory(args: argparse.Namespace) -> int:
    from zimes_audit.loading import load_inputs
    from zimes_audit.procedure.catalogue import load_catalogue
    from zimes_audit.procedure.field_map import resolve_field_map
    from zimes_audit.views.inventory import render_inventory

    field_map = resolve_field_map(args.inputs, args.fields)
    tables = load_inputs(args.inputs, field_map)
    catalogue = load_catalogue().with_field_map(field_map)
    print(render_inventory(tables, catalogue, field_map, language=args.lang))
    return 0


def _review(args: argparse.Namespace) -> int:
    from zimes_audit.report.notebook import execute_review_notebook, review_path

    folder = args.report_dir
    if not (folder / MANIFEST).is_file():
        raise BadArgument(folder, key="not_a_report")
    out = args.out or review_path(folder)
    if out.with_suffix(".ipynb").exists() or out.with_suffix(".html").exists():
        raise BadArgument(out, key="review_exists")
    notebook, html = execute_review_notebook(folder, out, args.lang)
    lab = labels(args.lang)
    print(lab.say("console", "review", folder=folder, html=html, notebook=notebook))
    return 0


def _sample(args: argparse.Namespace) -> int:
    from zimes_audit.sample import generate, write_sample

    if args.orders < 0 or args.customers < 0:
        raise BadArgument(key="negative_counts")
    args.as_of = _as_of(args.as_of)
    sample = generate(args.orders, args.customers, seed=args.seed, as_of=args.as_of)
    files = write_sample(sample, args.out)
    lab = labels(args.lang)
    as_of = _date(lab, args.as_of)
    print(lab.say("console", "sample_written", seed=args.seed, as_of=as_of))
    for path in (files.orders, files.register, files.ground_truth):
        print(f"  {path}")
    print(
        lab.say("console", "sample_planted", count=len(sample.findings), out=args.out, as_of=as_of)
    )
    return 0


def console() -> NoReturn:
    """The ``zimes-audit`` command: :func:`main`, then out without Python's shut-down
    (:func:`~zimes_audit.ending.end_process`; an argument error leaves as argparse does)."""
    from zimes_audit.ending import end_process

    end_process(main())


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    language = command_language(argv)
    parser = build_parser(language)
    args = parser.parse_args(argv)
    args.argv = argv  # as given, for the manifest's ``command``
    args.lang = language  # also when given before the command (the command's default is lv)
    if args.command is None:
        parser.print_help()
        return 0
    command = getattr(args, "needs_input", None)
    if command is not None and not args.inputs:
        command.error(BadArgument(key="no_input", prog=command.prog).reason(language).rstrip("."))
    try:
        with stop_on_signals():
            return args.handler(args)
    except BaseException as error:  # noqa: BLE001 - every way out is one line (_ended)
        return _ended(error, args.command, language)


def _ended(error: BaseException, command: str, language: str) -> int:
    """The one line (in ``language``) and the exit status of a command that did not finish:
    an :class:`AuditError` as its wording, a stop as the signal, an ``OSError`` by its file
    and cause, anything else by its type only — never a traceback, never a value."""
    words = labels(language).table["errors"]
    if isinstance(error, AuditError):
        print(words["prefix"].format(line=error.render(language)), file=sys.stderr)
        return EXIT_ERROR
    if isinstance(error, FileExistsError):
        print(words["exists"], file=sys.stderr)
        return EXIT_ERROR
    if isinstance(error, BrokenPipeError):  # the reader went away (e.g. `| head`): no error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    if isinstance(error, KeyboardInterrupt | Stopped):
        stop = error if isinstance(error, Stopped) else Stopped(2)
        key = "stopped_run" if command == "run" else "stopped"
        print(labels(language).say("console", key, signal=stop.name), file=sys.stderr)
        return stop.exit_status
    if not isinstance(error, Exception) or os.environ.get("ZIMES_AUDIT_DEBUG"):
        raise error  # SystemExit and the like; or a developer asked for the traceback
    if isinstance(error, OSError):  # e.g. a file that became unreadable while the audit ran
        where = f"{one_line(error.filename)}: " if error.filename else ""
        cause = translated_phrase(words, "cause", error.strerror or type(error).__name__)
        print(words["os_error"].format(where=where, cause=cause), file=sys.stderr)
        return EXIT_ERROR
    print(words["internal"].format(kind=type(error).__name__), file=sys.stderr)
    return EXIT_INTERNAL

"""The ``zimes-audit`` command line.

Start-up is kept light: ``--help`` and ``--version`` import neither pandas nor Great
Expectations; each command imports what it needs when it runs.  Anything that stops a command is
one line on stderr (naming the file and row where one applies) and a non-zero exit — never a
traceback, never a personal value.  Set ``ZIMES_AUDIT_DEBUG=1`` to see the traceback of an
internal error (it may show input values: for developers only).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import sys
from datetime import date
from pathlib import Path

from zimes_audit import __version__
from zimes_audit.errors import AuditError, BadArgument, one_line, translated_phrase
from zimes_audit.report.layout import MANIFEST, WORKBOOK
from zimes_audit.stop import Stopped, stop_on_signals
from zimes_audit.words.labels import DEFAULT_LANGUAGE, LANGUAGES, Labels, labels

EXIT_ERROR = 2
EXIT_INTERNAL = 3

DESCRIPTION = """\
Audit the personal data SIA "ZĪMES" holds (Mozello order exports and the customer register)
against its data-processing procedure and the GDPR.
"""

EPILOG = """\
examples:
  zimes-audit inventory exports/2026-11/          what each exported file holds (no values shown)
  zimes-audit run exports/2026-11/                audit them as of today into reports/<date>/

Run `zimes-audit COMMAND --help` for a command's options and more examples.
"""

RUN_EPILOG = """\
examples:
  zimes-audit run exports/2026-11/                  audit a folder as of today
  zimes-audit run orders.csv klienti.xlsx --as-of 30.11.2026 --out reports/november --lang en
  zimes-audit run exports/2026-11/ --no-notebook    the workbook, findings and manifest only

INPUTs are files (.csv, .tsv, .txt, .xlsx, .xlsm, .xls, .xlsb, .ods) or folders of them; whether a
file is an orders export or the customer register is recognised from its headings (every data sheet
of a workbook is read).  In a folder, files that are neither are skipped and named, a report's own
outputs are never read, and byte-identical files are read once.  Headings the field catalogue does
not know are taught in a field map (zimes-fields.toml beside the inputs, or --fields FILE); each
still unknown column is one FIELD-UNCLASSIFIED finding, and `zimes-audit inventory` prints the
lines to paste.  The report goes to a new folder,
reports/<as-of>/ by default (reports/<as-of>-2/ … when that exists); an existing --out folder is
refused, never overwritten.  Inputs are only read.

outputs:
  flagged-records.xlsx  the administrator's worklist (Latvian; --lang en): bulk jobs first, then
                        each record by due date; what is new, still open, overdue, done but still
                        present, accepted as an exception, resolved since the previous run.
                        Fill in Resolution (and Note) — the next run reads them back
  findings.csv          one row per record × rule (source_file, source_row, record_id, rule_id,
                        procedure_section, severity, action, field, detail); text a spreadsheet
                        would take for a formula starts with an apostrophe
  manifest.json         versions, policy and suite hashes, input hashes, counts, times
  zimes-history.sqlite  (in --reports) the audit history: runs, finding keys, due dates,
                        decisions — ids and keys only, no personal values
  data-docs/            Great Expectations Data Docs citing rule, § and action; open offline
                        (no personal values)
  results/, chart-*.png what the notebooks read (masked tables as Parquet) and the charts
  audit.ipynb/.html     the audit notebook executed on results/ (masked), unless --no-notebook

A run that fails or is stopped (Ctrl-C, SIGTERM, SIGHUP) leaves no report folder behind; what a
run killed outright left is recognised and removed by the next run.

exit status: 0 when the audit ran (with or without findings), 2 when it could not (bad input,
existing report folder, output folder full, read-only or not writable, wrong option), 3 on an
internal error (please report it), 128 + the signal's number when stopped (130 Ctrl-C, 143
SIGTERM, 129 SIGHUP).
"""

INVENTORY_EPILOG = """\
examples:
  zimes-audit inventory exports/2026-11/
  zimes-audit inventory orders.csv klienti.xlsx
"""

SAMPLE_EPILOG = """\
examples:
  zimes-audit sample --out /tmp/zimes-demo                      400 orders, 140 register rows
  zimes-audit sample --orders 5000 --customers 1500 --out /tmp/zimes-sample
"""

REVIEW_EPILOG = """\
By default the review is written beside the report folder as <REPORT_DIR>-review.ipynb and .html
(<REPORT_DIR>-review-2.… when those exist); --out FILE.ipynb writes it there instead.

examples:
  zimes-audit review reports/2026-11-30             writes reports/2026-11-30-review.html
"""


SUBJECT_EPILOG = """\
The person is found by every identifier given (several may be given, each more than once) and by
the customer ids and e-mail addresses found on their records; records that only share a name are
listed as uncertain, never merged: confirm them with --confirm KEY (the keys are in lookup.xlsx).
Only counts are printed, never a value.  The files go to a new folder, requests/<received>-<request>/
by default (git-ignored; never overwritten; nothing is left if it fails), and the request is
recorded in the audit history with the person's identifiers only as keyed hashes (the key:
zimes-history.secret beside the history).  Every later `zimes-audit run` lists open requests and
flags an erasure or objection not carried out by its due date (SUBJECT-REQUEST-OVERDUE).

requests:
  access       access.xlsx and access.html to send to the person (GDPR Art. 15): every value with
               its source, §6 category, purpose, legal basis, term and recipients
  erasure      plan.xlsx/.html: per record delete now, or keep for the accounting hold with the
               contacts cleared now; stop marketing (GDPR Art. 17)
  correction   plan: the records to correct with the person (§12.4)
  objection    plan: take them off the marketing list now (GDPR Art. 21, §10.1.2)

examples:
  zimes-audit subject exports/2026-11/ --email liga@inbox.lv --request access
  zimes-audit subject exports/2026-11/ --email liga@inbox.lv --request erasure --received 05.11.2026
"""


EARLIEST_AS_OF = date(2000, 1, 1)  # no shop record the procedure covers is older
LATEST_AS_OF = date(2999, 12, 31)  # due dates (as-of + days) stay within the calendar


def _as_of(text: str) -> date:
    """A date as ``YYYY-MM-DD`` or, as Latvians write it, ``DD.MM.YYYY`` or ``DD.MM.YY``
    (20YY); anything else, a day the calendar does not have, or a date before 2000, is one
    line (:class:`BadArgument`, exit 2).

    >>> _as_of("30.11.2026"), _as_of("2026-11-30"), _as_of(" 30.11.26 ")
    (datetime.date(2026, 11, 30), datetime.date(2026, 11, 30), datetime.date(2026, 11, 30))
    >>> _as_of("2026-11-31")
    Traceback (most recent call last):
    zimes_audit.errors.BadArgument: --as-of 2026-11-31: there is no such day in the calendar. Write a date that exists, as YYYY-MM-DD, DD.MM.YYYY or DD.MM.YY.
    >>> _as_of("30/11/2026")
    Traceback (most recent call last):
    zimes_audit.errors.BadArgument: --as-of 30/11/2026: not a date. Write it as YYYY-MM-DD, DD.MM.YYYY or DD.MM.YY.
    >>> _as_of("0001-01-01")
    Traceback (most recent call last):
    zimes_audit.errors.BadArgument: --as-of 0001-01-01: before 2000-01-01. Write the audit date, e.g. 30.11.2026.
    """
    shown = one_line(text.strip())[:40]
    found = re.fullmatch(
        r"(\d{4})-(\d{2})-(\d{2})|(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})", text.strip()
    )
    if found is None:
        raise BadArgument(key="as_of_not_a_date", given=shown)
    if found.group(1):
        year, month, day = (int(found.group(i)) for i in (1, 2, 3))
    else:
        day, month, year = (int(found.group(i)) for i in (4, 5, 6))
        year += 2000 if len(found.group(6)) == 2 else 0
    try:
        value = date(year, month, day)
    except ValueError:
        raise BadArgument(key="as_of_no_such_day", given=shown) from None
    if value > LATEST_AS_OF:
        raise BadArgument(key="as_of_not_a_date", given=shown)
    if value < EARLIEST_AS_OF:
        raise BadArgument(key="as_of_too_early", given=shown, earliest=EARLIEST_AS_OF.isoformat())
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


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Examples kept as written; each command listed once, aligned (no bare ``COMMAND`` line)."""

    def __init__(self, prog: str):
        super().__init__(prog, max_help_position=24, width=100)

    def add_arguments(self, actions) -> None:
        super().add_arguments(actions)
        self._action_max_length = max(self._action_max_length, 18)  # "inventory" on one line

    def _format_action(self, action: argparse.Action) -> str:
        text = super()._format_action(action)
        if isinstance(action, argparse._SubParsersAction):
            text = "".join(text.splitlines(keepends=True)[1:])  # drop the "COMMAND" heading
        return text


class _Parser(argparse.ArgumentParser):
    """Usage mistakes are one line on stderr too, with where to read more, in the language of
    ``--lang`` (argparse's own description of the mistake stays as argparse words it)."""

    def __init__(self, *args, language: str = DEFAULT_LANGUAGE, **kwargs):
        super().__init__(*args, **kwargs)
        self.language = language

    def error(self, message: str):
        words = labels(self.language).table["errors"]
        self.exit(EXIT_ERROR, words["usage"].format(prog=self.prog, message=message) + "\n")


def command_language(argv: list[str]) -> str:
    """The language a command line asks for with ``--lang`` (Latvian unless it says ``en``),
    read before argparse, so that argparse's own refusals speak it too.

    >>> command_language(["run", "x/", "--lang", "en"]), command_language(["run", "--lang=en"])
    ('en', 'en')
    >>> command_language(["run", "x/"]), command_language(["run", "--lang", "de"])
    ('lv', 'lv')
    """
    for at, arg in enumerate(argv):
        given = arg.split("=", 1)[1] if arg.startswith("--lang=") else None
        if arg == "--lang" and at + 1 < len(argv):
            given = argv[at + 1]
        if given in LANGUAGES:
            return given
    return DEFAULT_LANGUAGE


def _inputs(command: argparse.ArgumentParser, help: str) -> None:
    """The INPUT arguments a command reads (files or folders; none given is refused with a hint)."""
    command.add_argument("inputs", nargs="*", metavar="INPUT", help=help)


def build_parser(language: str = DEFAULT_LANGUAGE) -> argparse.ArgumentParser:
    parser = _Parser(
        prog="zimes-audit",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=_Formatter,
        language=language,
    )
    parser.add_argument("--version", action="version", version=f"zimes-audit {__version__}")
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", title="commands",
        parser_class=functools.partial(_Parser, language=language),
    )  # fmt: skip

    run = _add_run(commands)
    inventory = _add_inventory(commands)
    _add_review(commands)
    subject = _add_subject(commands)
    _add_sample(commands)
    for command in (
        run,
        inventory,
        subject,
    ):  # an installed tool has no demo folder to fall back on
        command.set_defaults(needs_input=command)
    return parser


def _add_run(commands) -> argparse.ArgumentParser:
    run = commands.add_parser(
        "run",
        help="audit the inputs and write a report folder",
        epilog=RUN_EPILOG,
        description="Audit the inputs as of a date and write a new report folder.",
        formatter_class=_Formatter,
    )
    _inputs(run, "exported files or folders of them to audit")
    run.add_argument(
        "--as-of",
        default=None,
        metavar="DATE",
        help="the audit date terms are measured to, YYYY-MM-DD, DD.MM.YYYY or DD.MM.YY "
        "(default: today)",
    )
    run.add_argument(
        "--future-as-of",
        action="store_true",
        help="confirm an --as-of more than a year after today (refused without it)",
    )
    run.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="report folder to create (must not exist)",
    )
    run.add_argument(
        "--reports",
        type=Path,
        default=Path("reports"),
        metavar="DIR",
        help="where default report folders are created (default: reports/)",
    )
    run.add_argument(
        "--policy",
        default=None,
        metavar="FILE",
        help="policy file with the terms (default: the shipped policy.toml)",
    )
    run.add_argument(
        "--history",
        type=Path,
        default=None,
        metavar="FILE",
        help="the audit history database (SQLite; default: zimes-history.sqlite in --reports, "
        "or beside the --out folder); "
        "each run is compared with the latest recorded run with an earlier --as-of over the "
        "same kinds of input",
    )
    run.add_argument(
        "--resolutions",
        type=Path,
        default=None,
        metavar="FILE",
        help="a filled-in workbook to read the Resolution/Note decisions from "
        "(default: the previous run's flagged-records.xlsx)",
    )
    run.add_argument(
        "--lang",
        choices=("lv", "en"),
        default="lv",
        help="language of the workbook, audit.html and what the run prints (default: lv, Latvian)",
    )
    run.add_argument(
        "--fields",
        default=None,
        metavar="FILE",
        help="the administrator's field map: own headings and fields with their §6 category "
        "(default: zimes-fields.toml beside the inputs, if there is one)",
    )
    run.add_argument(
        "--no-notebook",
        action="store_true",
        help="skip executing the audit notebook (other outputs are still written)",
    )
    run.set_defaults(handler=_run)
    return run


def _add_inventory(commands) -> argparse.ArgumentParser:
    inventory = commands.add_parser(
        "inventory",
        help="show what each input holds (no personal values)",
        description="Per file: kind, rows, detected encoding/delimiter/header row, and each "
        "column → canonical field → §6 category and how its values were read; for every "
        "heading it does not know, the lines to paste into the field map (zimes-fields.toml), "
        "with the nearest catalogue fields.  Prints no personal values.",
        epilog=INVENTORY_EPILOG,
        formatter_class=_Formatter,
    )
    _inputs(inventory, "exported files or folders of them")
    inventory.add_argument(
        "--fields",
        default=None,
        metavar="FILE",
        help="the administrator's field map (default: zimes-fields.toml beside the inputs)",
    )
    inventory.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=DEFAULT_LANGUAGE,
        help="language (default: lv, Latvian)",
    )
    inventory.set_defaults(handler=_inventory)
    return inventory


def _add_review(commands) -> argparse.ArgumentParser:
    review = commands.add_parser(
        "review",
        help="the auditor's notebook on a report folder (HTML beside it)",
        description="Execute the auditor's review notebook (a real Jupyter kernel) on "
        "REPORT_DIR: it re-hashes the inputs, policy and suites against the manifest (the "
        "verdicts come first), checks findings.csv against the recorded counts, re-runs the "
        "audit when every input still matches, and shows masked samples and the procedure's "
        "gaps.  The report folder itself is never changed.",
        epilog=REVIEW_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    review.add_argument("report_dir", type=Path, metavar="REPORT_DIR", help="a report folder")
    review.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="where to write the executed notebook (.ipynb; the .html goes beside it)",
    )
    review.add_argument(
        "--lang", choices=("lv", "en"), default="lv", help="language of the review (default: lv)"
    )
    review.set_defaults(handler=_review)
    return review


def _add_sample(commands) -> argparse.ArgumentParser:
    sample = commands.add_parser(
        "sample",
        help="write synthetic inputs with planted violations and a ground truth",
        description="Write a seeded, synthetic Mozello orders CSV and customer register XLSX "
        "with violations of every rule planted, and ground_truth.json.",
        epilog=SAMPLE_EPILOG,
        formatter_class=_Formatter,
    )
    sample.epilog = SAMPLE_EPILOG
    sample.formatter_class = argparse.RawDescriptionHelpFormatter
    sample.add_argument("--orders", type=int, default=400, metavar="N", help="orders (400)")
    sample.add_argument(
        "--customers", type=int, default=140, metavar="M", help="register rows (140)"
    )
    sample.add_argument("--seed", type=int, default=2026, help="random seed (2026)")
    sample.add_argument(
        "--as-of",
        default="2026-11-01",
        metavar="YYYY-MM-DD",
        help="audit date the ground truth holds for (2026-11-01)",
    )
    sample.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="DIR",
        help="folder to write into (existing files are not overwritten)",
    )
    sample.set_defaults(handler=_sample)
    return sample


def _add_subject(commands) -> argparse.ArgumentParser:
    subject = commands.add_parser(
        "subject",
        help="find everything held about one person; answer their request",
        description="Find every record and mention of one person across the inputs and write "
        "what their request needs (GDPR Art. 15, 17, 21; §12.4, §10.1.2).  Prints counts only.",
        epilog=SUBJECT_EPILOG,
        formatter_class=_Formatter,
    )
    _inputs(subject, "exported files or folders of them")
    for option, what in (("email", "an e-mail address"), ("phone", "a phone number"),
                         ("customer-id", "a customer id"), ("code", "a personal code"),
                         ("name", "a name (uncertain matches only)")):  # fmt: skip
        subject.add_argument(
            f"--{option}",
            action="append",
            default=[],
            metavar="VALUE",
            help=f"{what} of the person",
        )
    subject.add_argument(
        "--request",
        choices=("access", "erasure", "correction", "objection"),
        default=None,
        help="the request to answer and record (default: only find the person)",
    )
    subject.add_argument(
        "--received", type=_as_of, default=None, metavar="DATE",
        help="the day the request was received (default: today); due one month later",
    )  # fmt: skip
    subject.add_argument(
        "--confirm", nargs="+", default=[], metavar="KEY",
        help="uncertain records (keys from lookup.xlsx) confirmed to be the person's",
    )  # fmt: skip
    subject.add_argument(
        "--out", type=Path, default=None, metavar="DIR", help="folder to create (must not exist)"
    )
    subject.add_argument(
        "--history", type=Path, default=Path("reports") / "zimes-history.sqlite", metavar="FILE",
        help="the audit history the request is recorded in (default: reports/zimes-history.sqlite)",
    )  # fmt: skip
    subject.add_argument("--lang", choices=("lv", "en"), default="lv", help="language (lv)")
    subject.add_argument("--fields", default=None, metavar="FILE", help="the field map")
    subject.set_defaults(handler=_subject)
    return subject


def _subject(args: argparse.Namespace) -> int:
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
        args.request, args.received, tuple(args.confirm), args.out, args.history, args.lang,
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
    print(f"Wrote a synthetic sample (seed {args.seed}, valid as of {args.as_of.isoformat()}):")
    for path in (files.orders, files.register, files.ground_truth):
        print(f"  {path}")
    print(
        f"{len(sample.findings)} planted findings; audit it with: "
        f"zimes-audit run {args.out} --as-of {args.as_of.isoformat()}"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    language = command_language(argv)
    parser = build_parser(language)
    args = parser.parse_args(argv)
    args.argv = argv  # as given, for the manifest's ``command``
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

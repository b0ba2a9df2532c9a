"""``make bench``: how fast the audit is at 100k and 1M records, against two yardsticks.

For each size the seeded sample generator writes an orders CSV and a register XLSX (~5% of the
records violate something); then, each in its own process so that peak RSS is its own:

- **ours** — the real pipeline of ``zimes-audit run --no-notebook``: load, facts, validate (GX),
  findings, write (findings.csv, workbook, manifest, Data Docs);
- **limit** — bare ``pandas.read_csv``/``read_excel(engine="calamine")`` (cells typed with the
  loaders' value parsers), the same facts and rule masks in plain pandas
  (:mod:`zimes_audit.checks.reference`), and the findings CSV;
- **naive** — the same pipeline with the same suites run through GX the default way: the whole
  frame, fingerprinted, ``COMPLETE`` results with ``unexpected_index_column_names`` for the
  record flags.

And the cost of the audit notebook: ``zimes-audit run`` with and without ``--no-notebook`` on a
20k-order sample, a few runs each, interleaved (the notebook reads the run's saved results, so a
default run should take at most 1.6× a ``--no-notebook`` run).

It prints per-stage wall times and peak RSS, the ratios ours/limit and naive/ours, and writes them
to ``bench.json``.  Also: a 100k-row orders workbook, our loader against bare python-calamine.
Figures, not assertions: nothing here fails a build.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

AS_OF = date(2026, 11, 1)
SIZES = ((100_000, 20_000), (1_000_000, 200_000))
VIOLATION_RATE = 0.05


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _generate(folder: Path, orders: int, customers: int) -> float:
    from zimes_audit.sample import generate, write_sample

    clock = time.perf_counter()
    write_sample(
        generate(orders, customers, seed=2026, as_of=AS_OF, violation_rate=VIOLATION_RATE), folder
    )
    return time.perf_counter() - clock


def _pipeline(data: Path, naive_gx: bool) -> dict:
    from zimes_audit.report.run import run_report

    with tempfile.TemporaryDirectory() as tmp:
        clock = time.perf_counter()
        _, result = run_report(
            [str(data)], AS_OF, out=Path(tmp) / "report", notebook=False, naive_gx=naive_gx
        )
        total = time.perf_counter() - clock
    stages = {k: round(v, 3) for k, v in result.timings.items()}
    return {"stages": stages, "total": round(total, 3), "findings": len(result.findings)}


def case_ours(data: Path) -> dict:
    return _pipeline(data, naive_gx=False)


def case_naive(data: Path) -> dict:
    """The same pipeline with GX fed the default way (see ``SuiteRunner(naive=True)``)."""
    return _pipeline(data, naive_gx=True)


def case_limit(data: Path) -> dict:
    import pandas as pd

    from zimes_audit.checks.findings import FINDINGS_COLUMNS, findings_for, merge_findings
    from zimes_audit.checks.reference import pandas_failures
    from zimes_audit.checks.suites import build_suites
    from zimes_audit.facts.derived import order_facts, register_facts
    from zimes_audit.loading.values import clean_text, parse_column
    from zimes_audit.procedure.catalogue import load_catalogue
    from zimes_audit.procedure.policy import load_policy

    catalogue, policy = load_catalogue(), load_policy()

    def canonical(frame: pd.DataFrame, header_row: int, name: str) -> pd.DataFrame:
        names = {}
        for heading in frame.columns:
            field = catalogue.field_for(str(heading))
            names[heading] = field.name if field else f"unclassified:{heading}"
        frame = frame.rename(columns=names)
        for column in frame.columns:
            field = catalogue.fields.get(column)
            text = clean_text(frame[column].astype("str"))
            frame[column] = parse_column(text, field.type) if field else text
        frame["source_file"] = name
        frame["source_row"] = range(header_row + 1, header_row + 1 + len(frame))
        return frame

    stages, clock = {}, time.perf_counter()
    csv_path = next(data.glob("*.csv"))
    xlsx_path = next(data.glob("*.xlsx"))
    orders = canonical(pd.read_csv(csv_path, dtype=str, engine="pyarrow"), 1, csv_path.name)
    register = canonical(
        pd.read_excel(xlsx_path, engine="calamine", header=2, dtype=str), 3, xlsx_path.name
    )
    stages["load"] = time.perf_counter() - clock
    clock = time.perf_counter()
    orders = order_facts(orders, register, policy)
    register = register_facts(register, orders, policy)
    suites = build_suites()
    params = policy.suite_parameters(AS_OF)
    parts = [
        findings_for(
            kind,
            pandas_failures(suites[kind], frame, params),
            frame,
            catalogue.kinds[kind].record_id,
        )
        for kind, frame in (("orders", orders), ("register", register))
    ]
    findings = merge_findings(pd.concat(parts, ignore_index=True))
    stages["rules"] = time.perf_counter() - clock
    clock = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        findings[FINDINGS_COLUMNS].to_csv(Path(tmp) / "findings.csv", index=False)
    stages["write"] = time.perf_counter() - clock
    return {
        "stages": {k: round(v, 3) for k, v in stages.items()},
        "total": round(sum(stages.values()), 3),
        "findings": len(findings),
    }


def case_xlsx(data: Path) -> dict:
    """Our loader against bare python-calamine on the same 100k-row orders workbook."""
    from python_calamine import CalamineWorkbook

    from zimes_audit.loading import load_file

    path = next(data.glob("*.xlsx"))
    ours, bare = [], []
    for _ in range(3):
        clock = time.perf_counter()
        CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        bare.append(time.perf_counter() - clock)
        clock = time.perf_counter()
        table = load_file(path)
        ours.append(time.perf_counter() - clock)
    return {
        "rows": table.rows,
        "ours": round(min(ours), 3),
        "bare_calamine": round(min(bare), 3),
        "ratio": round(min(ours) / min(bare), 2),
    }


def _orders_workbook(csv_path: Path, out: Path) -> Path:
    """The orders export saved as an .xlsx (streaming writer), for the XLSX case."""
    import csv

    import xlsxwriter

    out.mkdir(parents=True, exist_ok=True)
    path = out / "mozello-orders.xlsx"
    if path.exists():
        return path
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("Orders")
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        for r, row in enumerate(csv.reader(handle)):
            for c, value in enumerate(row):
                sheet.write_string(r, c, value)
    book.close()
    return path


NOTEBOOK_SIZE = (20_000, 5_000)
NOTEBOOK_RUNS = 3


def notebook_cost(out: Path, orders: int, customers: int, runs: int) -> dict:
    """Wall time of the real command, ``zimes-audit run`` with and without its notebook."""
    import statistics

    data = out / f"data-{orders}-{customers}"
    if not data.exists():
        _generate(data, orders, customers)
    times: dict[str, list[float]] = {"no_notebook": [], "default": []}
    for _ in range(runs):
        for mode in times:  # interleaved: both see the same machine load
            with tempfile.TemporaryDirectory() as tmp:
                command = [sys.executable, "-m", "zimes_audit", "run", str(data.resolve())]
                command += ["--as-of", AS_OF.isoformat(), "--out", str(Path(tmp) / "report")]
                if mode == "no_notebook":
                    command.append("--no-notebook")
                clock = time.perf_counter()
                subprocess.run(command, cwd=tmp, check=True, capture_output=True)
                times[mode].append(round(time.perf_counter() - clock, 2))
    median = {mode: statistics.median(seconds) for mode, seconds in times.items()}
    return {
        "orders": orders,
        "customers": customers,
        "runs": times,
        "median_no_notebook": round(median["no_notebook"], 2),
        "median_default": round(median["default"], 2),
        "default_over_no_notebook": round(median["default"] / median["no_notebook"], 2),
    }


CASES = {"ours": case_ours, "limit": case_limit, "naive": case_naive, "xlsx": case_xlsx}


def _in_subprocess(case: str, data: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench", "--case", case, str(data)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--out", type=Path, default=Path("bench-out"))
    parser.add_argument(
        "--sizes",
        default=",".join(f"{o}:{c}" for o, c in SIZES),
        help="orders:customers pairs (default 100000:20000,1000000:200000)",
    )
    parser.add_argument(
        "--notebook-size",
        default="{}:{}".format(*NOTEBOOK_SIZE),
        help="orders:customers for the notebook's cost (default 20000:5000)",
    )
    parser.add_argument(
        "--notebook-runs", type=int, default=NOTEBOOK_RUNS, help="runs each way (default 3)"
    )
    parser.add_argument(
        "--skip",
        default="",
        help="comma-separated cases to skip (ours, limit, naive, xlsx, notebook)",
    )
    parser.add_argument("--case", nargs=2, metavar=("CASE", "DATA"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.case:
        name, data = args.case
        figures = CASES[name](Path(data))
        figures["peak_rss_mb"] = round(_peak_rss_mb(), 1)
        print(json.dumps(figures))
        return 0
    skip = set(filter(None, args.skip.split(",")))
    report: dict = {"as_of": AS_OF.isoformat(), "sizes": []}
    for pair in args.sizes.split(","):
        orders, customers = (int(x) for x in pair.split(":"))
        data = args.out / f"data-{orders}-{customers}"
        if not data.exists():
            seconds = _generate(data, orders, customers)
            print(f"generated {orders} orders + {customers} customers in {seconds:.1f} s")
        entry = {"orders": orders, "customers": customers}
        for case in ("ours", "limit", "naive"):
            if case in skip:
                continue
            entry[case] = _in_subprocess(case, data)
            print(f"{orders:>9} {case:<6} {json.dumps(entry[case])}", flush=True)
        if "total" in entry.get("ours", {}):
            if "total" in entry.get("limit", {}):
                entry["ours_over_limit"] = round(
                    entry["ours"]["total"] / entry["limit"]["total"], 2
                )
            if "total" in entry.get("naive", {}):
                entry["naive_over_ours"] = round(
                    entry["naive"]["total"] / entry["ours"]["total"], 2
                )
                entry["naive_over_ours_validate"] = round(
                    entry["naive"]["stages"]["validate"] / entry["ours"]["stages"]["validate"], 2
                )
            print(
                f"{orders:>9} ours/limit = {entry.get('ours_over_limit')}  "
                f"naive/ours = {entry.get('naive_over_ours')} "
                f"(validation stage alone: {entry.get('naive_over_ours_validate')})"
            )
        report["sizes"].append(entry)
        if orders == 100_000 and "xlsx" not in skip:
            workbook = _orders_workbook(next(data.glob("*.csv")), args.out / "xlsx-100k")
            report["xlsx_100k"] = _in_subprocess("xlsx", workbook.parent)
            print(f"xlsx 100k orders: {json.dumps(report['xlsx_100k'])}")
    if "notebook" not in skip:
        orders, customers = (int(x) for x in args.notebook_size.split(":"))
        cost = notebook_cost(args.out, orders, customers, args.notebook_runs)
        report["notebook"] = cost
        print(
            f"notebook {orders} orders: default run {cost['median_default']} s, --no-notebook "
            f"{cost['median_no_notebook']} s (median of {args.notebook_runs}): "
            f"default/no-notebook = {cost['default_over_no_notebook']}"
        )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench.json").write_text(json.dumps(report, indent=2) + "\n", "utf-8")
    print(f"wrote {args.out / 'bench.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

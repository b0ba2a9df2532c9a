"""``make bench``: how fast the audit is at 1M orders + 200k register rows, against an
independent floor and the bare read of the files, on the kind, unkind and guest workloads.

Workloads (:mod:`benchmarks.workloads`, written once under ``--out`` and reused):

- **kind** — the seeded sample, ~5% of the records violating something (UTF-8 CSV + register
  workbook);
- **unkind** — a shop's first audit: 19 of 20 orders are guest orders past their term with their
  e-mail and phone kept, a Windows-1257 ``;`` CSV with a column the catalogue does not know;
- **guest** — the same orders as Latvian Excel writes them (``DD.MM.YYYY HH:MM``, decimal
  commas, cp1257 ``;``) beside a small register.

Cases, each in its own process so that its peak RSS is its own:

- **ours** — the real pipeline, ``run_report`` without the notebook (what ``zimes-audit run
  --no-notebook`` does): load, facts, validate (GX), findings, write (findings.csv, workbook,
  manifest, Data Docs, charts);
- **floor** — :mod:`benchmarks.floor`: the same rules written as directly as this machine allows
  (polars, fastexcel, each distinct value judged once by its own verdicts in
  :mod:`benchmarks.floor_detect`), importing nothing of the pipeline; it writes ``findings.csv``
  only, and must write the same bytes as ours;
- **bare** — the files read and nothing else (pandas ``read_csv`` + python-calamine);
- **naive** (``--cases ours,floor,naive``) — our pipeline with GX run the default way.

It prints per-stage seconds and peak RSS (MB so far after each stage) for ours and the floor,
ours/floor per stage and in total (in-process, and the whole process with its imports), then per
workload the whole-process seconds and peak RSS of audit, floor and bare read with floor/bare and
audit/floor and whether the findings are byte-identical, and writes it all to ``bench.json``.  Also: the cost of the audit notebook (``zimes-audit run`` with and without
``--no-notebook``, interleaved) and a 100k-row orders workbook, our loader against bare
python-calamine.  Figures, not assertions: nothing here fails a build.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.memory import peak_rss_mb
from benchmarks.workloads import AS_OF

SIZES = ((1_000_000, 200_000),)
WORKLOADS = ("kind", "unkind", "guest")
#: Our stages and the floor's that do the same work, side by side.
STAGE_GROUPS = {
    "load": (("load",), ("load",)),
    "facts": (("facts",), ("facts",)),
    "checks": (("validate", "findings"), ("rules", "merge")),
    "write": (("write",), ("write",)),
}


def _workload(out: Path, name: str, orders: int, customers: int) -> Path:
    from benchmarks.workloads import write_guest, write_kind, write_unkind

    kind = write_kind(out / f"kind-{orders}-{customers}", orders, customers)
    if name == "kind":
        return kind
    if name == "guest":  # the small register: the sample's of a tenth of the customers
        small = max(orders // 50, 20), max(customers // 10, 5)
        small_kind = write_kind(out / "kind-{}-{}".format(*small), *small)
        return write_guest(kind, small_kind, out / f"guest-{orders}-{customers}")
    return write_unkind(kind, out / f"unkind-{orders}-{customers}")


AUDIT_STEPS = ("load", "facts", "validate", "findings", "write")  # the rest: steps of writing
#: Steps that make what the floor does not make: the workbook, Data Docs, the evidence and its
#: charts, the manifest, and the history (with the decisions read and the comparison made).
#: The whole process less these is the audit doing the floor's work (``findings.csv``).
OUTPUT_STEPS = ("resolutions", "compare", "write.workbook", "write.data_docs", "write.evidence",
                "write.manifest", "history")  # fmt: skip


def measured_hooks(naive: bool = False):
    """:class:`zimes_audit.hooks.Hooks` that time each named step of a run and record the
    process's peak memory after it (MB); ``naive`` feeds GX the default way."""
    import contextlib
    from dataclasses import dataclass, field

    from zimes_audit.hooks import Hooks, release_memory

    @dataclass
    class Measured(Hooks):
        timings: dict[str, float] = field(default_factory=dict)
        memory: dict[str, float] = field(default_factory=dict)
        children: dict[str, float | None] = field(default_factory=dict)  # private MB

        def child_memory(self, name: str, private_mb: float | None) -> None:
            self.children[name] = private_mb

        @contextlib.contextmanager
        def step(self, name: str):
            clock = time.perf_counter()
            yield
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - clock
            self.memory[name] = round(peak_rss_mb(), 1)
            release_memory()

        def runner(self):
            if not naive:
                return super().runner()
            from benchmarks.naive_gx import NaiveSuiteRunner

            return NaiveSuiteRunner()

    return Measured()


def _pipeline(data: Path, naive_gx: bool, findings: Path | None) -> dict:
    import shutil

    from zimes_audit.report.run import RunRequest, run_report

    hooks = measured_hooks(naive_gx)
    with tempfile.TemporaryDirectory() as tmp:
        clock = time.perf_counter()
        folder, result = run_report(
            RunRequest([str(data)], AS_OF, out=Path(tmp) / "report", notebook=False), hooks
        )
        total = time.perf_counter() - clock
        if findings is not None:
            shutil.copyfile(folder / "findings.csv", findings)
    timings = {k: round(v, 3) for k, v in hooks.timings.items()}
    return {
        "stages": {k: v for k, v in timings.items() if k in AUDIT_STEPS},
        "memory": dict(hooks.memory),
        "children_private_mb": dict(hooks.children),  # steps a forked child ran
        "write_steps": {k: v for k, v in timings.items() if k not in AUDIT_STEPS},
        "total": round(total, 3),
        # GX's import and its context (step ``runner``): part of the same work as the floor's
        "gx_runner": timings.get("runner", 0.0),
        "findings": len(result.findings),
    }


def case_ours(data: Path, findings: Path | None = None) -> dict:
    return _pipeline(data, naive_gx=False, findings=findings)


def case_naive(data: Path, findings: Path | None = None) -> dict:
    """The same pipeline with GX fed the default way (:mod:`benchmarks.naive_gx`)."""
    return _pipeline(data, naive_gx=True, findings=findings)


def case_floor(data: Path, findings: Path | None = None) -> dict:
    from benchmarks.floor import run_floor

    with tempfile.TemporaryDirectory() as tmp:
        return run_floor(data, findings or Path(tmp) / "findings.csv", AS_OF)


def case_xlsx(data: Path, findings: Path | None = None) -> dict:
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


def case_bare(data: Path, findings: Path | None = None) -> dict:
    """The bare read: the workload's files read and nothing else — pandas ``read_csv`` (every
    cell text, the delimiter of the header line, UTF-8 or else Windows-1257) and python-calamine
    for the workbooks.  What no audit of these files can be faster than."""
    import pandas as pd
    from python_calamine import CalamineWorkbook

    clock = time.perf_counter()
    cells = 0
    for path in sorted(data.iterdir()):
        if path.suffix.lower() == ".csv":
            with path.open("rb") as handle:
                first = handle.readline()
            sep = max((",", ";", "\t"), key=lambda d: first.count(d.encode()))
            try:
                frame = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False)
            except UnicodeDecodeError:
                frame = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False,
                                    encoding="cp1257")  # fmt: skip
            cells += frame.size
        elif path.suffix.lower() == ".xlsx":
            rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
            cells += sum(len(r) for r in rows)
    return {"total": round(time.perf_counter() - clock, 3), "cells": cells}


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

    data = _workload(out, "kind", orders, customers)
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


CASES = {
    "ours": case_ours,
    "floor": case_floor,
    "bare": case_bare,
    "naive": case_naive,
    "xlsx": case_xlsx,
}
#: The cases that write a findings.csv (compared byte for byte).
WRITES_FINDINGS = ("ours", "floor", "naive")
XLSX_SIZE = (100_000, 20_000)


def _in_subprocess(case: str, data: Path, findings: Path | None = None) -> dict:
    clock = time.perf_counter()
    command = [sys.executable, "-m", "benchmarks.bench", "--case", case, str(data)]
    done = subprocess.run(
        command + (["--findings", str(findings)] if findings else []),
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - clock
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    figures["process"] = round(seconds, 3)  # the whole process: interpreter, imports, run
    return figures


def _digest(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def compare(ours: dict, floor: dict) -> dict:
    """ours/floor per stage group, in total and for the whole process; peak RSS of both."""
    out: dict = {"stages": {}}
    for group, (our_stages, floor_stages) in STAGE_GROUPS.items():
        mine = sum(ours["stages"].get(s, 0.0) for s in our_stages)
        theirs = sum(floor["stages"].get(s, 0.0) for s in floor_stages)
        out["stages"][group] = {
            "ours": round(mine, 3),
            "floor": round(theirs, 3),
            "ratio": _ratio(mine, theirs),
            "ours_rss_mb": max(ours.get("memory", {}).get(s, 0.0) for s in our_stages),
            "floor_rss_mb": max(floor.get("memory", {}).get(s, 0.0) for s in floor_stages),
        }
    out["total"] = _ratio(ours["total"], floor["total"])
    out["process"] = _ratio(ours.get("process"), floor.get("process"))
    out["peak_rss_mb"] = {"ours": ours["peak_rss_mb"], "floor": floor["peak_rss_mb"]}
    out["same_count"] = ours["findings"] == floor["findings"]
    return out


def print_comparison(label: str, ours: dict, floor: dict, ratios: dict) -> None:
    print(f"\n{label}: {ours['findings']} findings ours, {floor['findings']} the floor's")
    print(
        f"  {'stage':<8} {'ours s':>9} {'floor s':>9} {'ours/floor':>10} {'ours MB':>9} {'floor MB':>9}"
    )
    for group, row in ratios["stages"].items():
        print(
            f"  {group:<8} {row['ours']:>9.2f} {row['floor']:>9.2f} {row['ratio'] or 0:>10.1f}"
            f" {row['ours_rss_mb']:>9.0f} {row['floor_rss_mb']:>9.0f}"
        )
    print(
        f"  {'total':<8} {ours['total']:>9.2f} {floor['total']:>9.2f} {ratios['total'] or 0:>10.1f}"
        f" {ours['peak_rss_mb']:>9.0f} {floor['peak_rss_mb']:>9.0f}"
    )
    print(
        f"  {'process':<8} {ours.get('process', 0):>9.2f} {floor.get('process', 0):>9.2f}"
        f" {ratios['process'] or 0:>10.1f}   (whole process, imports included)"
    )
    print(flush=True)


def summary(entry: dict) -> dict:
    """Whole-process seconds (interpreter, imports, run) of the audit, the floor and the bare
    read, their ratios, and each one's peak RSS."""
    wall = {c: entry.get(c, {}).get("process") for c in ("ours", "floor", "bare")}
    ours = entry.get("ours", {})
    outputs = sum(ours.get("write_steps", {}).get(s, 0.0) for s in OUTPUT_STEPS)
    children = sum(v or 0.0 for v in ours.get("children_private_mb", {}).values())
    same_work = round(wall["ours"] - outputs, 3) if wall["ours"] is not None else None
    return {
        "seconds": wall,
        "floor_over_bare": _ratio(wall["floor"], wall["bare"]),
        "ours_over_floor": _ratio(wall["ours"], wall["floor"]),
        # the audit less what the floor does not write; and GX's import and context within it
        "ours_findings_only": same_work,
        "findings_only_over_floor": _ratio(same_work, wall["floor"]),
        "gx_runner": ours.get("gx_runner"),
        "ours_over_bare": _ratio(wall["ours"], wall["bare"]),
        "peak_rss_mb": {c: entry.get(c, {}).get("peak_rss_mb") for c in ("ours", "floor", "bare")},
        # the audit's forked children (workbook, charts): the memory they held of their own, and
        # the audit's peak with it (a bound: the children's at their end, beside the audit's peak)
        "child_private_mb": children,
        "peak_with_children_mb": round((ours.get("peak_rss_mb") or 0.0) + children, 1),
        "same_findings": entry["same_findings"],
    }


def print_summary(runs: list[dict]) -> None:
    rows = [r for r in runs if "summary" in r]
    if not rows:
        return
    print("\nwhole process, seconds (peak RSS MB): audit = zimes-audit run --no-notebook")
    head = f"  {'workload':<9} {'audit':>15} {'floor':>15} {'bare read':>15}"
    print(head + f" {'floor/bare':>10} {'audit/floor':>11}  same findings")
    for run in rows:
        s, rss = run["summary"]["seconds"], run["summary"]["peak_rss_mb"]
        cells = [f"{s[c] or 0:7.1f} ({rss[c] or 0:5.0f})" for c in ("ours", "floor", "bare")]
        print(
            f"  {run['workload']:<9} {cells[0]:>15} {cells[1]:>15} {cells[2]:>15}"
            f" {run['summary']['floor_over_bare'] or 0:>10.2f}"
            f" {run['summary']['ours_over_floor'] or 0:>11.2f}  {run['same_findings']}"
        )
    children = [(r["workload"], r["summary"]) for r in rows if r["summary"].get("child_private_mb")]
    for workload, s in children:
        print(f"  {workload}: the audit's forked children (workbook, charts) held"
              f" {s['child_private_mb']:.0f} MB of their own; with the audit's peak"
              f" {s['peak_with_children_mb']:.0f} MB")  # fmt: skip
    print(
        "\nthe same work: the audit less the outputs the floor does not make (workbook, Data Docs,"
        "\nevidence and charts, manifest, history with decisions and comparison), seconds"
    )
    print(f"  {'workload':<9} {'audit':>7} {'outputs':>8} {'findings only':>14} {'of it GX':>16}"
          f" {'floor':>7} {'ratio':>6}")  # fmt: skip
    for run in rows:
        s = run["summary"]
        audit, only = s["seconds"]["ours"] or 0, s["ours_findings_only"] or 0
        print(
            f"  {run['workload']:<9} {audit:>7.1f} {audit - only:>8.1f} {only:>14.1f}"
            f" {s['gx_runner'] or 0:>16.1f} {s['seconds']['floor'] or 0:>7.1f}"
            f" {s['findings_only_over_floor'] or 0:>6.2f}"
        )
    print(flush=True)


def _pair(text: str) -> tuple[int, int]:
    orders, customers = (int(x) for x in text.split(":"))
    return orders, customers


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
        help="orders:customers pairs (default 1000000:200000)",
    )
    parser.add_argument(
        "--workloads",
        default=",".join(WORKLOADS),
        help="which workloads (default kind,unkind)",
    )
    parser.add_argument(
        "--data",
        action="append",
        default=[],
        metavar="NAME=DIR",
        help="use an existing workload folder instead of writing one (e.g. unkind=/data/unkind); "
        "replaces --sizes",
    )
    parser.add_argument(
        "--cases", default="ours,floor,bare", help="cases per workload: ours, floor, bare, naive"
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
        "--xlsx-size",
        default="{}:{}".format(*XLSX_SIZE),
        help="orders:customers of the orders workbook read by the xlsx case (default 100000:20000)",
    )
    parser.add_argument(
        "--keep-findings",
        action="store_true",
        help="keep each case's findings.csv under OUT/findings/ (default: compared, then removed)",
    )
    parser.add_argument(
        "--skip", default="", help="comma-separated extras to skip (xlsx, notebook)"
    )
    parser.add_argument("--case", nargs=2, metavar=("CASE", "DATA"), help=argparse.SUPPRESS)
    parser.add_argument("--findings", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.case:
        name, data = args.case
        figures = CASES[name](Path(data), args.findings)
        figures["peak_rss_mb"] = round(peak_rss_mb(), 1)
        print(json.dumps(figures))
        from zimes_audit.ending import end_process

        end_process(0)  # every case leaves as the zimes-audit command does
    skip = set(filter(None, args.skip.split(",")))
    cases = [c for c in args.cases.split(",") if c]
    runs: list[tuple[str, Path, int | None, int | None]] = []
    if args.data:
        for item in args.data:
            name, _, folder = item.partition("=")
            runs.append((name, Path(folder), None, None))
    else:
        for pair in args.sizes.split(","):
            orders, customers = _pair(pair)
            for name in args.workloads.split(","):
                clock = time.perf_counter()
                data = _workload(args.out, name, orders, customers)
                print(
                    f"{name} workload {orders}:{customers} ready in {time.perf_counter() - clock:.1f} s"
                )
                runs.append((name, data, orders, customers))
    report: dict = {"as_of": AS_OF.isoformat(), "runs": []}
    for name, data, orders, customers in runs:
        entry: dict = {
            "workload": name,
            "data": str(data),
            "orders": orders,
            "customers": customers,
        }
        kept = args.out / "findings" / f"{name}-{orders or data.name}"
        kept.mkdir(parents=True, exist_ok=True)
        for case in cases:
            entry[case] = _in_subprocess(case, data, kept / f"{case}.csv")
            print(f"{name:<7} {case:<6} {json.dumps(entry[case])}", flush=True)
        writers = [c for c in cases if c in WRITES_FINDINGS]
        digests = {c: _digest(kept / f"{c}.csv") for c in writers if (kept / f"{c}.csv").exists()}
        entry["same_findings"] = len(digests) == len(writers) and len(set(digests.values())) == 1
        print(f"{name:<7} findings.csv byte-identical across {', '.join(writers)}: "
              f"{entry['same_findings']}")  # fmt: skip
        if not args.keep_findings:
            for path in kept.iterdir():
                path.unlink()
        ours, floor = entry.get("ours", {}), entry.get("floor", {})
        if "total" in ours and "total" in floor:
            entry["ours_over_floor"] = compare(ours, floor)
            print_comparison(f"{name} ({data})", ours, floor, entry["ours_over_floor"])
        if "total" in ours and "total" in entry.get("naive", {}):
            entry["naive_over_ours"] = _ratio(entry["naive"]["total"], ours["total"])
            print(f"{name:<7} naive/ours = {entry['naive_over_ours']}")
        if "process" in entry.get("bare", {}):
            entry["summary"] = summary(entry)
        report["runs"].append(entry)
    print_summary(report["runs"])
    if "xlsx" not in skip:
        orders, customers = _pair(args.xlsx_size)
        kind = _workload(args.out, "kind", orders, customers)
        workbook = _orders_workbook(next(kind.glob("*.csv")), args.out / f"xlsx-{orders}")
        report["xlsx"] = {"orders": orders, **_in_subprocess("xlsx", workbook.parent)}
        print(f"xlsx {orders} orders: {json.dumps(report['xlsx'])}")
    if "notebook" not in skip:
        orders, customers = _pair(args.notebook_size)
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

"""The README's set-up and first-audit commands, run as they are written.

The walk-through ("Your first real audit") is executed line by line in a fresh git repository
holding this project's ``.gitignore``, with real-looking exports saved where the README says; at
the end ``git status`` must show nothing to add.  Every path the README tells people to put real
data or reports in must be git-ignored.  The install route without ``make`` is run on a fresh
virtual environment when ``ZIMES_TEST_INSTALL=1`` (``make test-install``): it installs ~100
packages, minutes even from the local pip cache, too slow for every ``make test``.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from cli_runner import invoke
from conftest import ROOT
from test_run import write_inputs

from zimes_audit.cli import build_parser

README = ROOT / "README.md"
WALK_THROUGH = "## Your first real audit"
INSTALL = "### Installing without `make`"


@dataclass(frozen=True)
class Block:
    section: str  # the heading above it
    lang: str
    body: str


def blocks(text: str | None = None) -> list[Block]:
    """Fenced code blocks, also those indented inside a list item, with their section."""
    text = text if text is not None else README.read_text("utf-8")
    found = []
    fence = re.compile(
        r"^(?P<indent> *)```(?P<lang>\w*)\n(?P<body>.*?)^(?P=indent)```", re.M | re.S
    )
    for match in fence.finditer(text):
        headings = re.findall(r"^#{2,3} .*$", text[: match.start()], re.M)
        body = textwrap.dedent(match["body"])
        found.append(Block(headings[-1] if headings else "", match["lang"], body))
    return found


def commands(section: str, lang: str = "sh") -> list[str]:
    lines = []
    for block in blocks():
        if block.section.startswith(section) and block.lang == lang:
            lines += [line for line in block.body.splitlines() if line.strip()]
    assert lines, f"no {lang} commands under {section}"
    return lines


def test_blocks_finds_indented_fences():
    text = "## A\n1. step\n   ```sh\n   zimes-audit run x/\n   ```\n"
    assert blocks(text) == [Block("## A", "sh", "zimes-audit run x/\n")]


# ------------------------------------------------------------------ paths that hold real data
def _git(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


REAL_DATA_PATH = re.compile(
    r"(?<![\w/.])((?:exports|reports)/[^\s`)]*|[\w./-]+\.(?:csv|xlsx|xls|ods|tsv|sqlite))"
)


def readme_data_paths() -> list[str]:
    """Every place the README names for real exports, reports or their files."""
    paths = set()
    for found in REAL_DATA_PATH.findall(README.read_text("utf-8")):
        path = found.rstrip(".,;:")
        if path.startswith(("data_samples/", "expectations/")) or "*" in path:
            continue
        path = path.replace("<as-of>", "2026-11-30").replace("…", "")
        paths.add(path.rstrip("/") + ("/x.csv" if path.endswith("/") else ""))
    return sorted(paths)


def test_the_readme_names_the_places_real_data_goes():
    paths = readme_data_paths()
    assert "exports/2026-11/orders.csv" in paths
    assert "exports/2026-11/klienti.xlsx" in paths
    assert any(p.startswith("reports/2026-11-30/") for p in paths)


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs the git checkout")
def test_every_path_the_readme_gives_for_real_data_is_git_ignored():
    paths = readme_data_paths()
    for path in paths:
        found = _git("check-ignore", "--no-index", "-q", path, cwd=ROOT)
        assert found.returncode == 0, f"{path} (named in the README) is not git-ignored"
    # and spreadsheets anywhere else in the tree, and the audit history
    for path in ("klienti (1).xlsx", "notes/orders.csv", "x.xls", "x.ods", "x.tsv", "h.sqlite"):
        assert _git("check-ignore", "--no-index", "-q", path, cwd=ROOT).returncode == 0, path
    # the synthetic sample and the tests' fixtures stay committable
    for path in ("data_samples/mozello-orders.csv", "data_samples/customer-register.xlsx"):
        assert _git("check-ignore", "--no-index", "-q", path, cwd=ROOT).returncode == 1, path
    assert _git("check-ignore", "--no-index", "-q", "tests/fixtures/x.csv", cwd=ROOT).returncode


# ------------------------------------------------------------------ the walk-through, as written
def _save_exports(folder: Path, names: list[str], kept: Path) -> None:
    """What the administrator does between the README's commands: save the exports there."""
    for name in names:
        source = kept / ("orders.csv" if name.endswith(".csv") else "register.xlsx")
        (folder / name).write_bytes(source.read_bytes())


def _run_line(line: str, repo: Path) -> str:
    """One line of the walk-through, as written, in ``repo``: the README's
    ``.venv/bin/zimes-audit …`` in this process (:func:`cli_runner.invoke`: the same command
    line and working folder, without starting Python and importing GX again), anything else
    (``mkdir -p …``) by bash.  Its output; a failure fails the test."""
    words = shlex.split(line)
    if words[0] == ".venv/bin/zimes-audit":
        assert not set("|&;<>$`*") & set(line), f"a plain command line, or run it by bash: {line}"
        assert (repo / words[0]).is_file(), "the README's path to the command"
        done = invoke(*words[1:], cwd=repo)
    else:
        done = subprocess.run(["bash", "-c", line], cwd=repo, capture_output=True, text=True,
                              timeout=60)  # fmt: skip
    assert done.returncode == 0, (line, done.stderr)
    return done.stdout


def test_the_first_real_audit_runs_as_written_and_leaves_nothing_to_add(tmp_path):
    repo = tmp_path / "zimes-audit"
    repo.mkdir()
    shutil.copy(ROOT / ".gitignore", repo / ".gitignore")
    assert _git("init", "-q", cwd=repo).returncode == 0
    _git("add", ".gitignore", cwd=repo)
    assert _git("commit", "-qm", "start", cwd=repo).returncode == 0
    # the README's `.venv/bin/zimes-audit` is this environment's (run in this process)
    shim = repo / ".venv" / "bin" / "zimes-audit"
    shim.parent.mkdir(parents=True)
    shim.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} -m zimes_audit "$@"\n')
    shim.chmod(0o755)
    kept = write_inputs(tmp_path / "kept")  # real-looking: Latvian headings, a title row, BOM
    text = README.read_text("utf-8")
    names = sorted(set(re.findall(r"`exports/2026-11/([^`/]+\.\w+)`", text)))
    assert names == ["klienti.xlsx", "orders.csv"]
    outputs = []
    for line in commands(WALK_THROUGH):
        outputs.append(_run_line(line, repo))
        made = re.fullmatch(r"mkdir -p (exports/\S+)", line)
        if made:
            _save_exports(repo / made[1], names, kept)
    first, second = repo / "reports" / "2026-11-30", repo / "reports" / "2026-12-31"
    for report in (first, second):
        assert (report / "audit.html").is_file() and (report / "flagged-records.xlsx").is_file()
    assert "Pārskats: reports/2026-11-30/" in "".join(outputs)
    # the administrator records decisions in the workbook and saves copies where people do
    book = openpyxl.load_workbook(first / "flagged-records.xlsx")
    book.save(first / "flagged-records.xlsx")
    book.save(repo / "flagged-records (1).xlsx")
    (repo / "exports" / "field-map.toml").write_text('[headings]\n"Krāsa" = "6.6"\n', "utf-8")
    (repo / "reports" / "history.sqlite").write_bytes(b"SQLite format 3\x00")
    status = _git("status", "--porcelain", "--untracked-files=all", cwd=repo)
    assert status.returncode == 0 and status.stdout == "", status.stdout


def test_the_readme_commands_parse():
    """Every `zimes-audit` command in the README's code blocks is valid as written."""
    parser = build_parser()
    seen = 0
    for block in blocks():
        for line in block.body.splitlines():
            words = shlex.split(line.split("#")[0])
            if words and words[0].replace("\\", "/").endswith("zimes-audit") and len(words) > 1:
                if words[1].startswith("--"):
                    continue
                parser.parse_args(words[1:])
                seen += 1
    assert seen >= 3


# ------------------------------------------------------------------ installing without make
def test_the_windows_steps_are_the_posix_steps():
    posix = commands(INSTALL, "sh")
    windows = commands(INSTALL, "bat")
    assert [w.replace(".venv\\Scripts\\", ".venv/bin/") for w in windows] == posix
    text = README.read_text("utf-8")
    assert ".venv\\Scripts\\activate" in text and "source .venv/bin/activate" in text


@pytest.mark.skipif(
    os.environ.get("ZIMES_TEST_INSTALL") != "1",
    reason="installs ~100 packages into a fresh venv (minutes): `make test-install`",
)
def test_the_install_without_make_works_on_a_fresh_clone(tmp_path):
    clone = tmp_path / "clone"
    done = subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], capture_output=True)
    assert done.returncode == 0, done.stderr
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    # `python` as the README says, or this interpreter where the PATH has no `python`
    python = shutil.which("python") or sys.executable
    for line in commands(INSTALL):
        line = re.sub(r"^python\b", shlex.quote(python), line)
        done = subprocess.run(
            ["bash", "-c", line], cwd=clone, capture_output=True, text=True, env=env, timeout=1800
        )
        assert done.returncode == 0, (line, done.stderr[-2000:])
    assert done.stdout.startswith("zimes-audit ")
    installed = subprocess.run(
        [clone / ".venv/bin/python", "-m", "pip", "list", "--format=freeze"],
        capture_output=True,
        text=True,
    ).stdout.lower()
    for tool in ("jupyterlab", "pytest", "ruff", "hypothesis"):
        assert f"\n{tool}==" not in f"\n{installed}", f"{tool} was installed"

"""Executing the committed notebooks with papermill and rendering them to HTML.

``audit.ipynb`` and ``audit.html`` of a report folder are the periodic audit notebook executed by
a real Jupyter kernel (``python3``) on the folder's own ``manifest.json`` and ``results/`` (the
audit runs once; the run also writes the chart PNGs).  A failing cell stops the run with :class:`NotebookFailed`: its
outputs (which could hold data) are neither printed nor kept.

>>> notebook_path(AUDIT_NOTEBOOK).name
'periodic_audit.ipynb'
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path

import zimes_audit
from zimes_audit.errors import NotebookFailed
from zimes_audit.report.layout import NOTEBOOK, NOTEBOOK_HTML
from zimes_audit.words.labels import DEFAULT_LANGUAGE, labels

AUDIT_NOTEBOOK = "periodic_audit.ipynb"
REVIEW_NOTEBOOK = "auditor_review.ipynb"
KERNEL = "python3"
CELL_TIMEOUT = 900  # seconds per cell


def notebooks_dir() -> Path:
    """The committed ``notebooks/`` folder (source tree) or the copy shipped in the wheel."""
    package = Path(zimes_audit.__file__).resolve().parent
    for candidate in (package.parent / "notebooks", package / "_notebooks"):
        if (candidate / AUDIT_NOTEBOOK).is_file():
            return candidate
    raise NotebookFailed(package.parent / "notebooks" / AUDIT_NOTEBOOK)


def notebook_path(name: str) -> Path:
    return notebooks_dir() / name


#: The loggers that speak while a notebook runs: papermill's (nbclient logs through it: "Kernel
#: died while waiting for execute reply." when a Ctrl-C reaches the kernel too), asyncio's (the
#: client's tasks cancelled mid-cell) and the Jupyter machinery's.  Silent while the notebook
#: runs: what goes wrong is one line of ours (NotebookFailed, or the stop), never theirs.
QUIET_LOGGERS = ("papermill", "nbclient", "asyncio", "traitlets", "jupyter_client")


@contextlib.contextmanager
def _quiet(names: tuple[str, ...]) -> Iterator[None]:
    """The loggers ``names`` silent inside the block, their levels restored after it."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _execute(source: Path, target: Path, parameters: dict, cwd: Path) -> None:
    import papermill

    try:
        with _quiet(QUIET_LOGGERS):
            papermill.execute_notebook(
                str(source),
                str(target),
                parameters=parameters,
                kernel_name=KERNEL,
                cwd=str(cwd),
                progress_bar=False,
                log_output=False,
                execution_timeout=CELL_TIMEOUT,
                # the kernel writes on our stderr: its start-up chatter, and the errors it logs
                # when it is shut down in the middle of a cell (Ctrl-C), would break "one clear
                # line on stderr"; a failing cell is NotebookFailed, not a log line
                extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
            )
    except Exception:
        # the message and the kept outputs may quote data: drop both
        target.unlink(missing_ok=True)
        raise NotebookFailed(source) from None


#: nbconvert's page without the scripts it fetches from a CDN each time the page is opened
#: (require.js, MathJax, Mermaid): the pages show tables, text and embedded PNGs only, and an
#: auditor's page must open offline and tell no one that it was opened.
OFFLINE_TEMPLATE = (
    "{%- extends 'lab/index.html.j2' -%}"
    "{%- block html_head_js_requirejs -%}{%- endblock -%}"
    "{%- block html_head_js_mathjax -%}{%- endblock -%}"
    "{%- block html_head_js_mermaidjs -%}{%- endblock -%}"
)


def render_html(notebook: Path, html: Path, title: str | None = None, language: str = "en") -> Path:
    """Render an executed notebook as one self-contained HTML page for a reader, not a
    programmer: PNG charts embedded, no code cells, no prompts, nothing fetched from the
    network (:data:`OFFLINE_TEMPLATE`), the page titled and in ``language``, and printable
    whole (:func:`print_css`: every column of a wide table on the printed page)."""
    import nbformat
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    node = nbformat.read(notebook, as_version=4)
    if title:
        node.metadata["title"] = title
    exporter = HTMLExporter(
        embed_images=True, exclude_input=True, exclude_input_prompt=True,
        extra_loaders=[DictLoader({"offline.html.j2": OFFLINE_TEMPLATE})],
        template_file="offline.html.j2", language_code=language,
    )  # fmt: skip
    exporter.exclude_output_prompt = True
    body, _ = exporter.from_notebook_node(node)
    body = body.replace("</head>", f"<style>{print_css()}</style>\n</head>", 1)
    html.write_text(body, encoding="utf-8")
    return html


def print_css() -> str:
    """The page's print style (``report/data/print.css``)."""
    from importlib import resources

    return resources.files("zimes_audit.report").joinpath("data/print.css").read_text("utf-8")


def _record_final_path(notebook: Path, path: str, parameters: dict) -> None:
    """papermill records where it wrote the notebook and the parameters it was given — the
    staging folder's name: record the final folder's instead (the executed notebook must not
    point at a folder that no longer exists; re-executed from the reports folder, it reads the
    final one).  The injected cell is written again by papermill's own
    ``parameterize_notebook``, keeping what the kernel gave the cell when it ran."""
    import nbformat
    from papermill.parameterize import parameterize_notebook

    def injected(node) -> nbformat.NotebookNode:
        (cell,) = [c for c in node.cells if "injected-parameters" in c.metadata.get("tags", [])]
        return cell

    node = nbformat.read(notebook, as_version=4)
    ran = injected(node)
    node = parameterize_notebook(node, parameters, kernel_name=KERNEL)
    cell = injected(node)
    cell.execution_count, cell.outputs = ran.execution_count, ran.outputs
    cell.metadata = {**ran.metadata, **cell.metadata}
    node.metadata.papermill["output_path"] = path
    nbformat.write(node, notebook)


def execute_audit_notebook(
    folder: Path, *, name: str | None = None, language: str = DEFAULT_LANGUAGE
) -> tuple[Path, Path]:
    """Execute the periodic audit notebook on the report ``folder`` (its ``manifest.json`` and
    ``results/``) into ``folder/audit.ipynb`` and ``audit.html``.

    The kernel runs in the folder that holds ``folder`` (which outlives a staging folder removed
    by a stopped run) and is given ``folder``'s name as the report folder and ``name`` (the final
    folder name, when ``folder`` is still the staging folder) for display; afterwards the
    executed notebook records the final name: neither it nor its HTML names the staging folder.
    """
    folder = Path(folder).resolve()
    name = name or folder.name
    target = folder / NOTEBOOK
    parameters = {"report_dir": folder.name, "report_folder": name, "lang": language}
    _execute(notebook_path(AUDIT_NOTEBOOK), target, parameters, folder.parent)
    final = {"report_dir": name, "report_folder": name, "lang": language}
    _record_final_path(target, f"{name}/{NOTEBOOK}", final)
    title = labels(language).say("html", "page_title", folder=name)
    return target, render_html(target, folder / NOTEBOOK_HTML, title, language)


def review_path(report_dir: str | Path) -> Path:
    """Where ``zimes-audit review`` writes by default: beside the report folder, never in it.

    >>> import tempfile, pathlib
    >>> base = pathlib.Path(tempfile.mkdtemp())
    >>> review_path(base / "2026-11-01").name
    '2026-11-01-review.ipynb'
    >>> _ = (base / "2026-11-01-review.html").write_text("")
    >>> review_path(base / "2026-11-01").name
    '2026-11-01-review-2.ipynb'
    """
    folder = Path(report_dir).resolve()
    candidate, number = folder.parent / f"{folder.name}-review.ipynb", 2
    while candidate.exists() or candidate.with_suffix(".html").exists():
        candidate = folder.parent / f"{folder.name}-review-{number}.ipynb"
        number += 1
    return candidate


def execute_review_notebook(
    report_dir: str | Path, out_path: str | Path, language: str = DEFAULT_LANGUAGE
) -> tuple[Path, Path]:
    """Execute the auditor's review notebook on ``report_dir`` into ``out_path`` (.ipynb) and
    render it beside it as HTML, in ``language``."""
    out = Path(out_path).resolve()
    if out.suffix != ".ipynb":
        out = out.with_suffix(".ipynb")
    out.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(report_dir).resolve()
    parameters = {"report_dir": str(folder), "lang": language}
    _execute(notebook_path(REVIEW_NOTEBOOK), out, parameters, Path.cwd())
    title = labels(language).say("review", "page_title", folder=folder.name)
    return out, render_html(out, out.with_suffix(".html"), title, language)

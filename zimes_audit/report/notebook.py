"""Executing the committed notebooks with papermill and rendering them to HTML.

``audit.ipynb`` and ``audit.html`` of a report folder are the periodic audit notebook executed by
a real Jupyter kernel (``python3``) with the run's parameters; the chart PNGs are saved into the
folder by the notebook itself.  A failing cell stops the run with :class:`NotebookFailed`: its
outputs (which could hold data) are neither printed nor kept.

>>> notebook_path(AUDIT_NOTEBOOK).name
'periodic_audit.ipynb'
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import zimes_audit
from zimes_audit.errors import NotebookFailed

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


def _execute(source: Path, target: Path, parameters: dict, cwd: Path) -> None:
    import papermill

    logging.getLogger("papermill").setLevel(logging.WARNING)
    try:
        papermill.execute_notebook(
            str(source),
            str(target),
            parameters=parameters,
            kernel_name=KERNEL,
            cwd=str(cwd),
            progress_bar=False,
            log_output=False,
            execution_timeout=CELL_TIMEOUT,
            # the kernel's start-up chatter would break "one clear line on stderr"
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
    except Exception:
        # the message and the kept outputs may quote data: drop both
        target.unlink(missing_ok=True)
        raise NotebookFailed(source) from None


def render_html(notebook: Path, html: Path) -> Path:
    """Render an executed notebook as one self-contained HTML page (PNG charts embedded)."""
    import nbformat
    from nbconvert import HTMLExporter

    node = nbformat.read(notebook, as_version=4)
    body, _ = HTMLExporter(embed_images=True).from_notebook_node(node)
    html.write_text(body, encoding="utf-8")
    return html


def execute_audit_notebook(
    folder: Path,
    *,
    inputs: list[str],
    as_of: date,
    policy: str | Path | None,
    fields: str | Path | None = None,
) -> tuple[Path, Path]:
    """Execute the periodic audit notebook into ``folder/audit.ipynb`` and ``audit.html``."""
    folder = Path(folder).resolve()
    target = folder / "audit.ipynb"
    parameters = {
        "inputs": [str(Path(p).resolve()) for p in inputs],
        "as_of": as_of.isoformat(),
        "report_dir": str(folder),
        "policy": str(Path(policy).resolve()) if policy else "",
        "fields": str(Path(fields).resolve()) if fields else "",
    }
    _execute(notebook_path(AUDIT_NOTEBOOK), target, parameters, Path.cwd())
    return target, render_html(target, folder / "audit.html")


def execute_review_notebook(report_dir: str | Path, out_path: str | Path) -> tuple[Path, Path]:
    """Execute the auditor's review notebook on ``report_dir`` into ``out_path`` (.ipynb) and
    render it beside it as HTML."""
    out = Path(out_path).resolve()
    if out.suffix != ".ipynb":
        out = out.with_suffix(".ipynb")
    out.parent.mkdir(parents=True, exist_ok=True)
    parameters = {"report_dir": str(Path(report_dir).resolve())}
    _execute(notebook_path(REVIEW_NOTEBOOK), out, parameters, Path.cwd())
    return out, render_html(out, out.with_suffix(".html"))

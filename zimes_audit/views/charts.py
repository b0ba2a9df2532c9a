"""Charts of an audit, for the notebooks and the report folder.

Each chart function returns a :class:`matplotlib.figure.Figure` that stands alone: a title, axis
labels, and the procedure section it is about.  The tables behind the charts are functions of
their own (``*_table``, in :mod:`.chart_tables`, which imports no matplotlib, and named here
too), so that what a notebook shows as a table and as a chart is one and the same.  Every term
(retention years, …) comes from ``result.policy``; none is written here.

Figures are built without pyplot's global state (nothing to close, nothing shown twice); outside
a Jupyter kernel matplotlib uses the non-interactive Agg backend, inside one a returned figure is
displayed as an embedded PNG.
"""

from __future__ import annotations

import hashlib
import io
import sys
from pathlib import Path

import matplotlib

if "ipykernel" not in sys.modules:
    matplotlib.use("Agg")  # no display outside a notebook

import matplotlib.dates as mdates  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.layout_engine import ConstrainedLayoutEngine  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from zimes_audit.procedure.catalogue import (  # noqa: E402
    CATEGORY_LABELS,
    NOT_PERMITTED,
    UNCLASSIFIED,
)
from zimes_audit.procedure.rules import load_rules  # noqa: E402
from zimes_audit.report.layout import CHART_FILES  # noqa: E402
from zimes_audit.views.chart_tables import (  # noqa: E402, F401 - the tables, beside their charts
    KIND_COLOURS,
    READS_FACTS,
    actions_table,
    consent_table,
    deletions_due_table,
    findings_table,
    inventory_table,
    per_month,
    relationship_ends,
    retention_cutoff,
    trend_table,
)

ACTION_COLOURS = {
    "DELETE": "#b2182b",
    "REDACT_FIELD": "#ef8a62",
    "STOP_MARKETING": "#8856a7",
    "OBTAIN_CONSENT": "#fddbc7",
    "REVIEW": "#67a9cf",
    "FIX_DATA": "#999999",
    "CLASSIFY_FIELD": "#1b7837",
}
CATEGORY_ORDER = [*CATEGORY_LABELS]
DPI = 110
PAD = 0.1  # inches of margin round a chart's PNG


def png_bytes(fig: Figure) -> bytes:
    """The figure as PNG (what a notebook embeds and ``save_all`` writes), drawn once.

    The charts here are laid out by matplotlib's constrained layout, which keeps every title,
    label and legend inside the figure: their PNG is the figure as laid out, with a margin
    round it.  The figure's own Agg canvas prints it: its drawing makes the layout once and
    draws with it, on the one renderer, so that the layout's text measurements serve the
    drawing (``savefig`` would first make a dry drawing of every artist to lay it out, and
    does so even for a figure laid out already).  A figure without a layout engine (one a
    notebook made) is cropped to what it draws (``bbox_inches="tight"``), which costs a
    second drawing to measure it."""
    buffer = io.BytesIO()
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        engine.set(w_pad=PAD, h_pad=PAD)  # nothing clipped, and a margin round it
        FigureCanvasAgg(fig).print_png(buffer)  # laid out and drawn once
    else:
        fig.savefig(buffer, format="png", bbox_inches="tight", pad_inches=PAD)
    return buffer.getvalue()


def _register_notebook_display() -> None:
    """In a Jupyter kernel, show a returned :class:`Figure` as an embedded PNG (no pyplot)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None:
        shell.display_formatter.formatters["image/png"].for_type(Figure, png_bytes)


_register_notebook_display()


# ------------------------------------------------------------------------------------- charts
def _whole_records(axis, largest: float | None = None) -> None:
    """Ticks at whole numbers only: an axis counts records (no "0.5 records" on small data),
    from 0 to at least 1 (with room for a label after ``largest``, when given)."""
    axis.set_major_locator(MaxNLocator(integer=True))
    ax = axis.axes
    limits = ax.get_ylim() if axis is ax.yaxis else ax.get_xlim()
    top = max(limits[1], 1, (largest or 0) * 1.12 + 0.5)
    if axis is ax.yaxis:
        ax.set_ylim(0, top)
    else:
        ax.set_xlim(0, top)


def _audit_date(ax, as_of) -> None:
    """Mark the audit date on a time axis."""
    day = pd.Timestamp(as_of)
    ax.axvline(mdates.date2num(day), color="black", linestyle=":", label=f"audit date {day.date()}")


def _section(topic: str) -> str:
    """The procedure section a chart is about (data: ``rules.toml`` ``[sections]``)."""
    return load_rules().sections[topic]


def _empty(ax, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#555555")


def findings_by_rule(findings: pd.DataFrame, table: pd.DataFrame | None = None) -> Figure:
    """Horizontal bars per rule id (with its §), stacked by action (``table``: the findings'
    :func:`findings_table`, when already made)."""
    table = findings_table(findings) if table is None else table
    actions = [c for c in table.columns if c not in ("section", "total")]
    fig = Figure(figsize=(9, 0.45 * len(table) + 1.8), dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    labels = [f"{rule} (§ {section})" for rule, section in table["section"].items()]
    left = np.zeros(len(table))
    for action in actions:
        values = table[action].to_numpy()
        ax.barh(labels, values, left=left, label=action, color=ACTION_COLOURS.get(action))
        left += values
    ax.margins(x=0.08)
    for y, total in enumerate(table["total"]):
        ax.text(total, y, f" {total}", va="center", fontsize=8)
    ax.invert_yaxis()
    _whole_records(ax.xaxis, largest=float(table["total"].max()) if len(table) else 0)
    ax.set_xlabel("Records flagged (one per record × rule)")
    ax.set_ylabel("Rule (procedure §)")
    ax.set_title(f"Findings by rule and action — {int(table['total'].sum())} findings")
    if actions:
        ax.legend(title="Action", fontsize=8, loc="lower right")
    else:
        _empty(ax, "No findings")
    return fig


def _stacked_bars(ax, x, width, table: pd.DataFrame, align: str = "center") -> list:
    """One bar per row of ``table`` and kind of :data:`KIND_COLOURS` (its column), stacked in
    the kinds' order; return each kind's bars.  Only the bars with records are drawn — an
    empty bar draws no pixel, and over years of months most are empty — and the axes span
    every row as they would with all of them; a kind without records keeps one empty bar, for
    its legend entry."""
    x, width = np.asarray(x, dtype=float), np.broadcast_to(np.asarray(width, dtype=float), len(x))
    base = np.zeros(len(x))
    drawn = []
    for kind, colour in KIND_COLOURS.items():
        counts = table[kind].to_numpy(dtype=float)
        keep = np.flatnonzero(counts) if counts.any() else np.arange(min(1, len(x)))
        drawn.append(
            ax.bar(x[keep], counts[keep], width[keep], bottom=base[keep], align=align,
                   color=colour)
        )  # fmt: skip
        base += counts
    if len(x):
        left = x - width / 2 if align == "center" else x
        ax.update_datalim([(left[0], 0), (left[-1] + width[-1], 0)])
    return drawn


def _monthly_bars(ax, ends: pd.DataFrame, start, end) -> None:
    """Records per month from ``start``'s month to ``end``'s (:func:`relationship_ends` rows), stacked by
    kind, each bar as wide as its month; each kind labelled with its count (on its first bar,
    as ``hist`` labels them: the legend lists the kinds before the lines)."""
    months = pd.period_range(start.to_period("M"), end.to_period("M"), freq="M")
    table = per_month(ends, months, ends["end"])
    left = mdates.date2num(months.to_timestamp())
    width = mdates.date2num((months + 1).to_timestamp()) - left
    for kind, bars in zip(KIND_COLOURS, _stacked_bars(ax, left, width, table, "edge"), strict=True):
        bars.patches[0].set_label(f"{kind} ({int(table[kind].sum())})")


def retention_timeline(result) -> Figure:
    """Relationship end dates against the retention cut-off, and deletions due per coming month."""
    years = int(result.policy.retention_years)
    cutoff = pd.Timestamp(retention_cutoff(result))
    as_of = pd.Timestamp(result.as_of)
    ends = relationship_ends(result)
    fig = Figure(figsize=(10, 7.5), dpi=DPI, layout="constrained")
    top, bottom = fig.subplots(2, 1)
    past = ends[ends["end"] <= as_of]
    if len(past):
        _monthly_bars(top, past, min(past["end"].min(), cutoff), as_of)
    else:
        _empty(top, "No relationship has ended")
    top.axvspan(
        mdates.date2num(min(cutoff, past["end"].min() if len(past) else cutoff)),
        mdates.date2num(cutoff),
        color="#b2182b",
        alpha=0.08,
    )
    line = top.axvline(
        mdates.date2num(cutoff),
        color="#b2182b",
        linestyle="--",
        label=f"retention cut-off {cutoff.date()} (audit date − {years} years)",
    )
    line.set_gid("retention-cutoff")
    _audit_date(top, as_of)
    top.xaxis_date()
    _whole_records(top.yaxis)
    top.set_xlabel("Relationship end date (month)")
    top.set_ylabel("Records (orders and register rows)")
    top.set_title(
        f"Relationship end dates against the {years}-year accounting hold "
        f"(§{_section('retention')}): "
        "ended left of the cut-off → delete"
    )
    top.legend(fontsize=8, loc="upper left")

    due = deletions_due_table(result, ends=ends)
    x = np.arange(len(due))
    for kind, bars in zip(KIND_COLOURS, _stacked_bars(bottom, x, 0.8, due), strict=True):
        bars.set_label(kind)
    bottom.set_xticks(x, due.index, rotation=45, ha="right")
    _whole_records(bottom.yaxis)
    bottom.set_xlabel("Month in which the retention term passes")
    bottom.set_ylabel("Records to delete")
    bottom.set_title(
        f"Deletions falling due in the next {len(due)} months "
        f"(end + {years} years) — {int(due['total'].sum())} records"
    )
    bottom.legend(fontsize=8)
    return fig


def consent_coverage(result) -> Figure:
    """Share of orders per order month whose buyer has consent on record (§11)."""
    table = consent_table(result)
    unit = table.attrs.get("unit", "orders")
    fig = Figure(figsize=(10, 4.2), dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    if len(table):
        months = table.index.to_timestamp()
        ax.plot(months, table["share"] * 100, marker=".", color="#1b7837", label="monthly share")
        overall = table["with_consent"].sum() / table["records"].sum() * 100
        ax.axhline(overall, color="#555555", linestyle="--", label=f"overall {overall:.0f}%")
        _audit_date(ax, result.as_of)
        ax.legend(fontsize=8)
        ax.xaxis_date()
    else:
        _empty(ax, "No orders or register records")
    ax.set_ylim(-5, 105)
    ax.set_xlabel("Order month" if unit == "orders" else "Month registered")
    ax.set_ylabel(f"{unit.capitalize()} with consent on record (%)")
    ax.set_title(
        f"Consent coverage (§{_section('consent')}): share of {unit} whose customer has a "
        "consent tick on record"
    )
    return fig


def field_inventory(result, table: pd.DataFrame | None = None) -> Figure:
    """Every input column with its §6 category and fill rate; not-permitted/unknown in red
    (``table``: the tables' :func:`inventory_table`, when already made)."""
    table = inventory_table(result.tables) if table is None else table
    rank = {c: i for i, c in enumerate(CATEGORY_ORDER)}
    table = table.assign(_rank=table["category"].map(rank).fillna(len(rank))).sort_values(
        ["_rank", "file", "heading"], kind="stable"
    )
    fig = Figure(figsize=(10, 0.24 * len(table) + 1.8), dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    flagged = table["category"].isin([NOT_PERMITTED, UNCLASSIFIED]).to_numpy()
    labels = [
        f"{h} → {CATEGORY_LABELS.get(c, c)}  [{f}]"
        for f, h, c in zip(table["file"], table["heading"], table["category"], strict=True)
    ]
    colours = np.where(flagged, "#b2182b", "#4393c3")
    y = np.arange(len(table))
    ax.barh(y, table["fill_rate"].to_numpy(dtype=float), color=colours)
    ax.set_yticks(y, labels, fontsize=7)
    for tick, bad in zip(ax.get_yticklabels(), flagged, strict=True):
        if bad:
            tick.set_color("#b2182b")
            tick.set_fontweight("bold")
    ax.invert_yaxis()
    ax.set_xlim(0, 105)
    ax.set_xlabel("Cells filled (%)")
    ax.set_ylabel(f"Input column → §{_section('categories')} category [file]")
    ax.set_title(
        f"Field inventory: {len(table)} columns, {int(flagged.sum())} not permitted by "
        f"§{_section('categories')} or unknown (red)"
    )
    ax.legend(
        handles=[
            Patch(color="#4393c3", label=f"permitted (§{_section('categories')}) or operational"),
            Patch(color="#b2182b", label="not permitted / unknown heading"),
        ],
        fontsize=8,
        loc="lower right",
    )
    return fig


TREND_LINES = {
    "findings": ("findings in the run", "#333333", "-"),
    "new": ("new", "#ef8a62", "-"),
    "resolved": ("resolved since the run before", "#1b7837", "-"),
    "overdue": ("overdue", "#b2182b", "--"),
    "exceptions": ("accepted exceptions", "#4393c3", ":"),
}


def findings_trend(trend: pd.DataFrame) -> Figure:
    """Findings, new, resolved, overdue and exceptions per recorded run (the audit history's
    runs of this series and this run, :func:`trend_table`)."""
    fig = Figure(figsize=(10, 4.2), dpi=DPI, layout="constrained")
    ax = fig.add_subplot()
    if len(trend):
        days = pd.to_datetime(trend["as_of"])
        for column, (label, colour, style) in TREND_LINES.items():
            values = trend[column].to_numpy(dtype=float)
            ax.plot(days, values, marker="o", color=colour, linestyle=style, label=label)
        _audit_date(ax, days.iloc[-1])
        ax.xaxis_date()
        # one tick per run, labelled with its audit date (no in-between dates)
        ax.set_xticks(mdates.date2num(days), days.dt.strftime("%Y-%m-%d"), rotation=30, ha="right")
        ax.xaxis.set_minor_locator(mdates.MonthLocator())
        margin = max(15.0, (mdates.date2num(days.iloc[-1]) - mdates.date2num(days.iloc[0])) * 0.05)
        ax.set_xlim(mdates.date2num(days.iloc[0]) - margin, mdates.date2num(days.iloc[-1]) + margin)
        _whole_records(ax.yaxis, largest=float(trend[list(TREND_LINES)].to_numpy().max()))
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    else:
        _empty(ax, "No recorded run")
    ax.set_xlabel("Audit date of the run")
    ax.set_ylabel("Findings (record × rule)")
    ax.set_title(f"Since the last audit: findings over the {len(trend)} run(s) of these inputs")
    return fig


#: Every chart of a result, by its name in :data:`~zimes_audit.report.layout.CHART_FILES`.
CHARTS = {
    "findings_by_rule": lambda result: findings_by_rule(result.findings),
    "retention_timeline": retention_timeline,
    "consent_coverage": consent_coverage,
    "field_inventory": field_inventory,
    "findings_trend": lambda result: findings_trend(trend_table(result)),
}


def all_charts(result) -> dict[str, Figure]:
    return {name: chart(result) for name, chart in CHARTS.items()}


#: The charts drawn from one small table each (and the page's language), by that table: an
#: audit of the same inputs (the test suite and the monthly loop audit the same files many
#: times in one process) has the same field inventory, often the same findings per rule.
DRAWN_FROM = {
    "findings_by_rule": (
        lambda result: findings_table(result.findings),
        lambda result, table: findings_by_rule(result.findings, table),
    ),
    "field_inventory": (lambda result: inventory_table(result.tables), field_inventory),
}
DRAWN_KEPT = 32  # PNGs kept for the process (a few hundred kB each)
_drawn: dict[tuple[str, str | None, str], bytes] = {}


def table_digest(table: pd.DataFrame) -> str:
    """A digest of a table's values, index, columns and types: equal for equal tables.

    >>> a = pd.DataFrame({"x": [1, 2]}, index=["p", "q"])
    >>> table_digest(a) == table_digest(a.copy()), table_digest(a) == table_digest(a * 2)
    (True, False)
    """
    digest = hashlib.sha256(pd.util.hash_pandas_object(table, index=True).to_numpy().tobytes())
    digest.update(repr((list(table.columns), [str(t) for t in table.dtypes])).encode())
    return digest.hexdigest()


def _png(name: str, result, page) -> bytes:
    """Chart ``name`` of ``result`` as PNG in ``page``'s words (as drawn without one): drawn,
    or for a chart of :data:`DRAWN_FROM` whose table this process drew already, as drawn then."""
    key = None
    if name in DRAWN_FROM:
        tabled, draw = DRAWN_FROM[name]
        table = tabled(result)  # made once: a million findings' crosstab is not free
        key = (name, page.language if page else None, table_digest(table))
        if key in _drawn:
            return _drawn[key]
        fig = draw(result, table)
    else:
        fig = CHARTS[name](result)
    if page is not None:
        page.chart(fig)
    png = png_bytes(fig)
    if key is not None:
        if len(_drawn) >= DRAWN_KEPT:
            _drawn.pop(next(iter(_drawn)))
        _drawn[key] = png
    return png


def save_all(result, folder: str | Path | None, language: str | None = None) -> list[Path]:
    """Write every chart as PNG into ``folder`` (its words in ``language``, by
    :meth:`~zimes_audit.views.page.Page.chart`; as drawn without one); nothing (``[]``) when
    no folder is given."""
    if not folder:
        return []
    from zimes_audit.views.page import Page

    page = Page(language) if language else None
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in CHARTS:
        path = folder / CHART_FILES[name]
        path.write_bytes(_png(name, result, page))
        written.append(path)
    return written

"""Charts: each stands alone (title, axis labels), PNGs are written, terms come from the policy."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
from conftest import AS_OF
from hypothesis import example, given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure
from profiles import examples

from zimes_audit.checks.findings import empty_findings
from zimes_audit.report.layout import CHART_FILES
from zimes_audit.views import chart_tables, charts

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def result(sample_audit):
    return sample_audit  # conftest: the sample audited once per session


def _assert_stands_alone(fig: Figure) -> None:
    assert isinstance(fig, Figure)
    axes = fig.get_axes()
    assert axes
    for ax in axes:
        assert ax.get_title().strip()
        assert ax.get_xlabel().strip()
        assert ax.get_ylabel().strip()


@pytest.mark.parametrize(
    "make",
    [
        lambda r: charts.findings_by_rule(r.findings),
        charts.retention_timeline,
        charts.consent_coverage,
        charts.field_inventory,
    ],
    ids=["findings_by_rule", "retention_timeline", "consent_coverage", "field_inventory"],
)
def test_each_chart_is_a_titled_labelled_figure(result, make):
    _assert_stands_alone(make(result))


def test_findings_table_equals_the_library_counts(result):
    table = charts.findings_table(result.findings)
    totals = {rule: int(n) for rule, n in table["total"].items() if n}
    assert totals == result.counts_by_rule()
    actions = table.drop(columns=["section", "total"]).sum()
    assert {a: int(n) for a, n in actions.items() if n} == result.counts_by_action()


def test_empty_findings_still_chart():
    _assert_stands_alone(charts.findings_by_rule(empty_findings()))


def test_save_all_writes_pngs(result, tmp_path):
    paths = charts.save_all(result, tmp_path / "report")
    assert sorted(p.name for p in paths) == sorted(CHART_FILES.values())
    for path in paths:
        assert path.read_bytes()[:8] == PNG_MAGIC
    assert charts.save_all(result, "") == []


def _cutoff_line(fig: Figure) -> float:
    lines = [line for ax in fig.get_axes() for line in ax.get_lines()]
    (line,) = [line for line in lines if line.get_gid() == "retention-cutoff"]
    return float(line.get_xdata()[0])


@pytest.mark.parametrize("years", [1, 3, 7])
def test_retention_cutoff_follows_the_policy(result, years):
    changed = dataclasses.replace(
        result, policy=dataclasses.replace(result.policy, retention_years=years)
    )
    expected = date(AS_OF.year - years, AS_OF.month, AS_OF.day)
    assert charts.retention_cutoff(changed) == expected
    assert _cutoff_line(charts.retention_timeline(changed)) == mdates.date2num(
        pd.Timestamp(expected)
    )
    assert charts.retention_cutoff(result) == date(
        AS_OF.year - result.policy.retention_years, AS_OF.month, AS_OF.day
    )


def test_deletions_due_fall_in_the_month_the_term_passes():
    """Hand-computed: with 5 years, an end of 2021-11-15 falls due on 2026-11-16 and one of
    2022-03-01 on 2027-03-02; an expired end and one due in 2028 are not in the coming year."""
    from conftest import make_table

    from zimes_audit.audit import audit

    ends = ["2021-11-15", "2022-03-01", "2021-10-01", "2023-01-01"]
    register = make_table(
        "register",
        [
            {
                "customer_id": f"K-{i}",
                "relationship_start": "2019-01-01",
                "relationship_end": end,
                "consent_given": True,
                "consent_at": "2019-01-01",
            }
            for i, end in enumerate(ends)
        ],
    )
    result = audit(tables=[register], as_of=AS_OF)
    due = charts.deletions_due_table(result)
    assert len(due) == 12 and due.index[0] == "2026-11" and due.index[-1] == "2027-10"
    assert due["total"].to_dict() == {
        m: (1 if m in ("2026-11", "2027-03") else 0) for m in due.index
    }
    assert (due["register"] == due["total"]).all()
    longer = audit(
        tables=[register], as_of=AS_OF, policy=dataclasses.replace(result.policy, retention_years=4)
    )
    assert charts.deletions_due_table(longer)["total"].sum() == 1  # 2023-01-01 + 4 years


def test_the_end_dates_bars_count_each_kind_s_records_per_month_as_a_histogram_would(result):
    """The retention chart draws from per-day counts (``relationship_ends``), not from the records' rows:
    each kind's bars are the records' end dates binned by month, stacked in the kinds' order.
    Only the months with records have a bar (an empty one draws nothing), and the axis spans
    every month from the first end (or the cut-off) to the audit date, as before."""
    import numpy as np
    from matplotlib.colors import to_hex

    from zimes_audit.procedure.terms import calendar_dates

    top = charts.retention_timeline(result).axes[0]
    as_of = pd.Timestamp(result.as_of)
    bars = [p for p in top.patches if p.get_width() < 40]  # month bars (not the shaded span)
    cutoff = pd.Timestamp(charts.retention_cutoff(result))
    ends = {}
    for kind in charts.KIND_COLOURS:
        ends[kind] = pd.Series(dtype="M8[us]")
        if kind in result.frames and "relationship_end_at" in result.frames[kind]:
            ends[kind] = calendar_dates(result.frames[kind]["relationship_end_at"]).dropna()
        ends[kind] = ends[kind][ends[kind] <= as_of]
    first = min(cutoff, *(e.min() for e in ends.values() if len(e)))
    months = pd.period_range(first.to_period("M"), as_of.to_period("M"), freq="M")
    edges = mdates.date2num(pd.period_range(months[0], months[-1] + 1, freq="M").to_timestamp())
    below = np.zeros(len(months))
    labels = []
    for kind, colour in charts.KIND_COLOURS.items():
        counts, _ = np.histogram(mdates.date2num(ends[kind]), bins=edges)
        mine = [p for p in bars if to_hex(p.get_facecolor()) == colour and p.get_height()]
        drawn = {int(np.searchsorted(edges, p.get_x())): p for p in mine}
        assert len(drawn) == len(mine), kind
        assert {i: p.get_height() for i, p in drawn.items()} == {
            int(i): float(counts[i]) for i in np.flatnonzero(counts)
        }, kind
        assert [p.get_y() for p in drawn.values()] == [below[i] for i in drawn], kind
        assert all(p.get_width() == edges[i + 1] - edges[i] for i, p in drawn.items()), kind
        below += counts
        labels.append(f"{kind} ({counts.sum()})")
    assert below.sum() > 0
    assert top.dataLim.x0 == edges[0] and top.dataLim.x1 == edges[-1]  # every month spanned
    legend = [t.get_text() for t in top.get_legend().get_texts()]
    assert legend[: len(labels)] == labels  # the kinds first, as hist listed them


def test_the_end_dates_axis_spans_every_month_to_the_audit_date_though_most_have_no_bar():
    """Two register rows ended in 2020: two bars, yet the axis spans the months from the first
    end (left of the cut-off) to the audit date's month, as a bar for every month did."""
    from conftest import make_table

    from zimes_audit.audit import audit

    register = make_table(
        "register",
        [
            {"customer_id": f"K-{i}", "relationship_start": "2019-01-01",
             "relationship_end": end, "consent_given": True, "consent_at": "2019-01-01"}
            for i, end in enumerate(["2020-02-10", "2020-05-20"])
        ],
    )  # fmt: skip
    top = charts.retention_timeline(audit(tables=[register], as_of=AS_OF)).axes[0]
    assert sorted(p.get_height() for p in top.patches if p.get_width() < 40 and p.get_height()) == [
        1,
        1,
    ]
    first, last = pd.Timestamp("2020-02-01"), pd.Timestamp(AS_OF).to_period("M").end_time.ceil("D")
    assert (top.dataLim.x0, top.dataLim.x1) == (mdates.date2num(first), mdates.date2num(last))


def test_a_chart_s_png_is_its_laid_out_figure_with_nothing_cut_off(result):
    """``png_bytes`` keeps the figure constrained layout made (no second measuring of every
    artist for ``bbox_inches="tight"``, which cost half the drawing at 1M records) and draws
    it once (no dry drawing to lay it out first, as ``savefig`` makes), and every title, label
    and legend of every chart is inside the PNG."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    for name, fig in charts.all_charts(result).items():
        measured: list[int] = []
        fig.get_tightbbox = lambda *a, _f=fig.get_tightbbox, _m=measured, **k: (
            _m.append(1) or _f(*a, **k)
        )
        drawn_times: list[int] = []
        fig.draw = lambda *a, _f=fig.draw, _d=drawn_times: _d.append(1) or _f(*a)
        png = charts.png_bytes(fig)
        assert not measured, name
        assert len(drawn_times) == 1, name
        width, height = fig.get_size_inches() * fig.dpi
        assert Image.open(io.BytesIO(png)).size == (int(width), int(height)), name
        drawn = fig.get_tightbbox(FigureCanvasAgg(fig).get_renderer())  # inches
        assert drawn.x0 >= 0 and drawn.y0 >= 0, name
        assert drawn.x1 <= width / fig.dpi and drawn.y1 <= height / fig.dpi, name


def test_consent_table_shares(result):
    table = charts.consent_table(result)
    assert int(table["records"].sum()) == len(result.frames["orders"])
    assert ((table["share"] >= 0) & (table["share"] <= 1)).all()


def test_small_data_counts_have_whole_number_ticks_and_time_axes_mark_the_audit_date():
    from conftest import make_table

    from zimes_audit.audit import audit

    orders = [
        {
            "order_id": f"M-24754{i:02d}-25",
            "created_at": f"2020-0{i + 1}-04 10:00:00",
            "customer_id": f"K-{i:05d}",
            "name": "Jānis Bērziņš",
            "email": "janis@inbox.lv",
            "payment_status": "paid",
        }
        for i in range(3)
    ]
    small = audit(tables=[make_table("orders", orders)], as_of=AS_OF)
    figures = {
        "findings": charts.findings_by_rule(small.findings).axes[0].xaxis,
        "ends": charts.retention_timeline(small).axes[0].yaxis,
        "due": charts.retention_timeline(small).axes[1].yaxis,
    }
    for name, axis in figures.items():
        axis.figure.canvas.draw()
        ticks = axis.get_majorticklocs()
        assert len(ticks) >= 2 and all(float(t).is_integer() for t in ticks), name
    day = mdates.date2num(pd.Timestamp(AS_OF))
    for fig in (charts.retention_timeline(small), charts.consent_coverage(small)):
        lines = [ln for ln in fig.axes[0].get_lines() if ln.get_label().startswith("audit date")]
        assert lines and lines[0].get_xdata()[0] == day


def test_consent_table_counts_the_buyers_with_consent_by_hand():
    """Hand-computed: in 2026-01 two orders of K-1 (consent yes) and one of K-2 (consent no);
    in 2026-02 one order of K-2 and one of a buyer not in the register (no consent on record)."""
    from conftest import make_table

    from zimes_audit.audit import audit

    register = make_table(
        "register",
        [
            {"customer_id": "K-1", "relationship_start": "2025-01-01", "consent_given": True},
            {"customer_id": "K-2", "relationship_start": "2025-01-01", "consent_given": False},
        ],
    )
    orders = make_table(
        "orders",
        [
            {"order_id": "M-1", "customer_id": "K-1", "created_at": "2026-01-03 10:00:00"},
            {"order_id": "M-2", "customer_id": "K-1", "created_at": "2026-01-20 10:00:00"},
            {"order_id": "M-3", "customer_id": "K-2", "created_at": "2026-01-21 10:00:00"},
            {"order_id": "M-4", "customer_id": "K-2", "created_at": "2026-02-02 10:00:00"},
            {"order_id": "M-5", "customer_id": "K-9", "created_at": "2026-02-03 10:00:00"},
        ],
    )
    table = charts.consent_table(audit(tables=[orders, register], as_of=AS_OF))
    assert table.attrs["unit"] == "orders"
    assert {str(m): (int(r), int(c)) for m, r, c in zip(
        table.index, table["records"], table["with_consent"], strict=True
    )} == {"2026-01": (3, 2), "2026-02": (2, 0)}  # fmt: skip
    assert table["share"].tolist() == [round(2 / 3, 4), 0.0]


def test_every_action_of_the_procedure_has_its_own_colour():
    """A new action without a colour would be drawn in matplotlib's next default colour, which
    another action may already wear."""
    from zimes_audit.procedure.rules import load_rules

    assert set(charts.ACTION_COLOURS) == set(load_rules().actions)
    assert len(set(charts.ACTION_COLOURS.values())) == len(charts.ACTION_COLOURS)


def _texts(fig: Figure) -> list[str]:
    from matplotlib.text import Text

    texts = [t.get_text() for t in fig.findobj(Text)]
    for ax in fig.axes:
        texts += [t.get_text() for t in (*ax.get_xticklabels(), *ax.get_yticklabels())]
    return [t for t in texts if t]


# words every chart's English uses; none may stay on a Latvian chart (issue 28)
ENGLISH_ON_CHARTS = {"records", "findings", "rule", "action", "date", "month", "audit", "share",
                     "orders", "register", "retention", "consent", "cells", "overdue", "new",
                     "resolved", "exceptions", "run", "column", "permitted", "delete"}  # fmt: skip


def test_the_run_draws_its_charts_in_latvian(result):
    """Page.chart puts every title, label, legend entry and tick label given with the ticks
    into the catalogue's Latvian; the inputs' own headings and file names stay as they are."""
    import re

    from zimes_audit.views.page import Page

    page = Page("lv")
    names = [c.heading for t in result.tables for c in t.columns]
    names += [str(t.source) for t in result.tables]  # file names stay as they are
    own = {w.casefold() for name in names for w in re.split(r"\W+", name)}
    for name, fig in charts.all_charts(result).items():
        texts = _texts(page.chart(fig))
        tokens = [w for t in texts for w in t.split() if not re.search(r"[-_.\d]", w)]
        words = {w.strip("()[]:;,%").casefold() for w in tokens}  # rule ids, files, dates out
        assert sorted(words & (ENGLISH_ON_CHARTS - own)) == [], name
        assert not any(re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", t) for t in texts), name


def test_a_chart_drawn_from_the_same_table_again_is_the_png_drawn_before(result, tmp_path):
    """The charts of :data:`charts.DRAWN_FROM` are kept by their table and language: the same
    PNG as drawing it anew; another language or other findings draw anew."""
    import dataclasses

    charts._drawn.clear()
    first = {p.name: p.read_bytes() for p in charts.save_all(result, tmp_path / "a", "lv")}
    assert len(charts._drawn) == len(charts.DRAWN_FROM)
    again = {p.name: p.read_bytes() for p in charts.save_all(result, tmp_path / "b", "lv")}
    assert again == first
    charts._drawn.clear()
    anew = {p.name: p.read_bytes() for p in charts.save_all(result, tmp_path / "c", "lv")}
    assert anew == first
    english = {p.name: p.read_bytes() for p in charts.save_all(result, tmp_path / "d", "en")}
    inventory = CHART_FILES["field_inventory"]
    assert english[inventory] != first[inventory]
    fewer = dataclasses.replace(result, findings=result.findings.iloc[1:])
    rules = CHART_FILES["findings_by_rule"]
    assert charts.save_all(fewer, tmp_path / "e", "lv")[0].name == rules
    assert (tmp_path / "e" / rules).read_bytes() != first[rules]
    assert len(charts._drawn) == 5  # two in Latvian, two in English, the fewer findings'


_WORDS = st.none() | st.sampled_from(["DELETE", "REVIEW", "FIX_DATA", "X-1"])


@settings(max_examples=examples(default=25, thorough=1_000), deadline=None)
@given(st.lists(st.tuples(_WORDS, _WORDS), min_size=1, max_size=15))
@example([("REVIEW", "FIX_DATA"), ("DELETE", "REVIEW"), (None, "DELETE"), ("X-1", None)])
def test_the_counts_per_rule_and_action_are_pandas_crosstab(pairs):
    """``findings_table`` counts rule × action pairs with one ``bincount``: the counts, rows
    and columns ``pd.crosstab`` gives (missing values left out)."""
    rows = pd.Series([r for r, _ in pairs], dtype="str")
    columns = pd.Series([c for _, c in pairs], dtype="str")
    expected = pd.crosstab(rows, columns)
    counted = chart_tables._crosstab(rows, columns)
    assert counted.index.tolist() == expected.index.tolist()
    assert counted.columns.tolist() == expected.columns.tolist()
    assert counted.to_numpy().tolist() == expected.to_numpy().tolist()


_DAYS = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))


@settings(max_examples=examples(default=25, thorough=1_000), deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["DELETE", "REVIEW"]), st.none() | _DAYS), max_size=12))
@example([("REVIEW", date(2026, 12, 1)), ("REVIEW", date(2026, 11, 2)), ("DELETE", None)])
def test_each_action_s_earliest_due_date_is_the_grouped_minimum(rows):
    """``actions_table`` takes each action's earliest due date as the least rank of the
    distinct dates: the date (a ``datetime.date``, as the findings hold it) the grouped minimum
    gives."""
    actions = pd.Series([a for a, _ in rows], dtype="str")
    dues = pd.Series([d for _, d in rows], dtype=object)
    expected = dues.groupby(actions).min().to_dict()
    earliest = chart_tables._earliest(actions, dues).to_dict()
    assert earliest.keys() == expected.keys()
    for action, day in expected.items():
        assert earliest[action] == day or (pd.isna(day) and pd.isna(earliest[action]))
        assert type(earliest[action]) is type(day)


def test_the_run_s_result_tables_are_made_without_matplotlib(result, monkeypatch):
    """The run's main process reads the facts the evidence needs and makes the result tables
    without importing matplotlib (0.4 s, with one core idle before the fork): only the process
    that draws the charts imports it.  Here every import of matplotlib fails, and the charts'
    module is not imported yet."""
    import sys

    import zimes_audit.views as views
    from zimes_audit.report import results
    from zimes_audit.report.run import report_facts

    monkeypatch.setitem(sys.modules, "matplotlib", None)  # importing it raises ImportError
    monkeypatch.delitem(sys.modules, "zimes_audit.views.charts")
    monkeypatch.delattr(views, "charts")
    assert "relationship_end_at" in report_facts()
    tables = results.result_tables(result)
    assert int(tables["findings_by_rule"]["total"].sum()) == len(result.findings)
    assert "zimes_audit.views.charts" not in sys.modules


_TIMES = st.none() | st.datetimes(
    min_value=datetime(1965, 1, 1), max_value=datetime(2027, 12, 31, 23, 59)
)


@settings(max_examples=examples(default=25, thorough=1_000), deadline=None)
@given(st.lists(st.tuples(_TIMES, st.booleans()), max_size=15))
@example([(datetime(1969, 12, 31, 23, 59), True), (None, True), (datetime(1970, 1, 1), False)])
def test_consent_per_month_is_the_grouped_count_of_the_months_periods(rows):
    """``consent_table`` counts the orders per month by month number (one ``bincount``): the
    table grouping them by their months' periods gives (months before 1970, missing times)."""
    when = pd.Series([t for t, _ in rows], dtype="datetime64[us]")
    flags = np.array([f for _, f in rows], dtype=bool)
    frame = pd.DataFrame({"month": when.dt.to_period("M").array, "consent": flags})
    frame = frame[frame["month"].notna()]
    expected = frame.groupby("month")["consent"].agg(records="size", with_consent="sum")
    pd.testing.assert_frame_equal(chart_tables.per_calendar_month(when, flags), expected)

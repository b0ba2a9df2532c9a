"""Data Docs: GX builds every page of every run; Jinja compiles GX's templates once per process."""

from __future__ import annotations

import re

import jinja2
from conftest import AS_OF, make_table

from zimes_audit.report import datadocs


def _small_audit():
    """Three orders audited (a GX context of its own: a context builds its site once)."""
    from zimes_audit.audit import audit

    orders = [
        {"order_id": f"M-{i}", "customer_id": f"K-{i}", "created_at": "2026-01-03 10:00:00"}
        for i in range(3)
    ]
    return audit(tables=[make_table("orders", orders)], as_of=AS_OF)


def _pages(folder) -> dict[str, str]:
    """Each page's text without what differs between two builds (run times, GX's element ids)."""
    moment = r"\d{8}T\d{6}\.\d+Z|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z|\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC|'_run_time_sort': [\d.]+"
    uuid = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    return {
        re.sub(moment, "", page.relative_to(folder).as_posix()): re.sub(
            uuid, "", re.sub(moment, "", page.read_text("utf-8"))
        )
        for page in folder.rglob("*.html")
    }


def test_a_second_build_compiles_no_template_and_writes_the_same_pages(tmp_path, monkeypatch):
    compiled: list[str] = []
    compile_ = jinja2.Environment.compile

    def counting(self, source, name=None, *args, **kwargs):
        compiled.append(name)
        return compile_(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    datadocs.COMPILED.clear()
    datadocs.build_site(_small_audit().runner.context, tmp_path / "first", "lv")
    assert "page.j2" in compiled and "index_page.j2" in compiled
    compiled.clear()
    datadocs.build_site(_small_audit().runner.context, tmp_path / "second", "lv")
    assert compiled == []
    first, second = _pages(tmp_path / "first"), _pages(tmp_path / "second")
    assert len(first) == 6  # the index, the three suites, the orders' and columns' validations
    assert first == second


def test_a_changed_template_is_compiled_again():
    """Jinja reuses a template's code only while its source is the one compiled."""
    env = jinja2.Environment(
        loader=jinja2.DictLoader({"t.j2": "a {{ x }}"}), bytecode_cache=datadocs.TemplateCode()
    )
    assert env.get_template("t.j2").render(x=1) == "a 1"
    changed = jinja2.Environment(
        loader=jinja2.DictLoader({"t.j2": "b {{ x }}"}), bytecode_cache=env.bytecode_cache
    )
    assert changed.get_template("t.j2").render(x=1) == "b 1"

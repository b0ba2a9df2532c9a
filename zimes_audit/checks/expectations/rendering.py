"""Prescriptive renderers for the custom expectations: a plain sentence in Data Docs.

Without one, GX renders a custom expectation as its raw call
(``expect_…(**{'column': …, 'as_of': {'$PARAMETER': 'as_of'}})``).  :func:`prescriptive`
builds the classmethod GX looks for; each expectation states its sentence once.  A suite
parameter not yet resolved is named (``suite parameter as_of``); a resolved one shows its value.

>>> shown({"$PARAMETER": "as_of"})
'suite parameter as_of'
>>> shown("2026-11-01")
'2026-11-01'
>>> fields(["notes", "address", "company", "email", "phone"])
'notes, address, company … (5 fields)'
"""

from __future__ import annotations

from great_expectations.render import LegacyRendererType, RenderedStringTemplateContent
from great_expectations.render.renderer.renderer import renderer

SHOWN_FIELDS = 3


def shown(value: object) -> str:
    """A keyword argument as Data Docs show it."""
    if isinstance(value, dict) and "$PARAMETER" in value:
        return f"suite parameter {value['$PARAMETER']}"
    return "—" if value is None else str(value)


def fields(columns: list[str] | None) -> str:
    """The first fields of a multicolumn expectation and how many there are."""
    columns = list(columns or [])
    head = ", ".join(columns[:SHOWN_FIELDS])
    return f"{head} … ({len(columns)} fields)" if len(columns) > SHOWN_FIELDS else head


def prescriptive(template: str):
    """The ``renderer.prescriptive`` classmethod of an expectation whose sentence is
    ``template`` (``$column``, ``$fields`` and any keyword argument as ``$name``)."""

    @renderer(renderer_type=LegacyRendererType.PRESCRIPTIVE)
    def _prescriptive_renderer(cls, configuration=None, result=None, runtime_configuration=None):
        kwargs = dict(configuration.kwargs) if configuration is not None else {}
        params = {key: shown(value) for key, value in kwargs.items() if key != "column_list"}
        params["fields"] = fields(kwargs.get("column_list"))
        styling = (runtime_configuration or {}).get("styling", {})
        return [
            RenderedStringTemplateContent(
                content_block_type="string_template",
                string_template={"template": template, "params": params, "styling": styling},
            )
        ]

    return classmethod(_prescriptive_renderer)

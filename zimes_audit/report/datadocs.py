"""Great Expectations Data Docs an auditor can read offline, citing the procedure.

GX builds the pages; this module decides three things about them:

- **they cite the procedure**: every row of a validation page gets a column "Rule · § · action"
  with the rule id, the procedure section, the action and the reason, read from the
  expectation's ``meta`` (:class:`CitingValidationTable`); the suite pages show the same as the
  expectation's GX ``notes`` (:mod:`zimes_audit.checks.citation`);
- **the data asset is named** (the runner records it in each validation's ``batch_spec``);
- **their templates are compiled once per process**: each build makes GX's Jinja views anew,
  each with its own Jinja environment, which compiled every template again — half of a small
  run's Data Docs; the site's views (:class:`CompiledPageView`, :class:`CompiledIndexPageView`)
  keep Jinja's compiled templates in :data:`COMPILED`, Jinja's own bytecode cache, which checks
  each template's source before reusing it;
- **they open offline**: GX's templates load bootstrap, jquery, popper, bootstrap-table,
  bootstrap-datepicker, font-awesome and vega from CDNs.  Those files ship with this package
  (``report/assets/``, each with its licence and source; ``assets.json`` maps every CDN address
  to its file), are copied into ``data-docs/static/vendor/``, and :func:`make_offline` rewrites
  every page's references to relative paths.

>>> relative_prefix("validations/a/b/c/d.html")
'../../../../'
"""

from __future__ import annotations

import json
import re
import shutil
from importlib import resources
from pathlib import Path

from great_expectations.render.renderer.content_block.validation_results_table_content_block import (  # noqa: E501
    ValidationResultsTableContentBlockRenderer,
)
from great_expectations.render.view import DefaultJinjaIndexPageView, DefaultJinjaPageView
from jinja2 import BytecodeCache

from zimes_audit.checks.citation import cell
from zimes_audit.words.labels import labels

VENDOR_DIR = "static/vendor"
#: GX's own images, linked from its web-asset bucket; the same files ship in GX's static folder.
GX_WEB_ASSETS = "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/"
ASSET_ATTRIBUTES = re.compile(r"""(?P<attr>\b(?:src|href))=(?P<q>["'])(?P<url>[^"']*)(?P=q)""")
SRI = re.compile(r"""\s+(?:integrity|crossorigin)=(["'])[^"']*\1""")


class CitingValidationTable(ValidationResultsTableContentBlockRenderer):
    """GX's validation-results table with one more column: the rule, § and action (and the
    reason) the expectation enforces, from its ``meta`` — its heading and the reason in
    ``language`` (GX's own words stay English: GX has no other language)."""

    language = "en"

    @classmethod
    def _process_content_block(cls, content_block, has_failed_evr, render_object=None) -> None:
        super()._process_content_block(content_block, has_failed_evr, render_object)
        header = labels(cls.language).say("html", "data_docs_citation")
        content_block.header_row = [*content_block.header_row, header]

    @classmethod
    def _get_content_block_fn(cls, expectation_type, expectation_config=None):
        row_generator = super()._get_content_block_fn(expectation_type, expectation_config)
        if row_generator is None:
            return None

        def with_citation(result=None, runtime_configuration=None, **kwargs):
            rows = row_generator(
                result=result, runtime_configuration=runtime_configuration, **kwargs
            )
            meta = result.expectation_config.meta if result is not None else {}
            return [[*row, cell(meta, cls.language)] for row in rows]

        return with_citation


class LatvianCitingValidationTable(CitingValidationTable):
    """:class:`CitingValidationTable` in Latvian (GX instantiates a table renderer by its
    class name: one class per language)."""

    language = "lv"


CITING_TABLES = {"en": CitingValidationTable, "lv": LatvianCitingValidationTable}


class TemplateCode(BytecodeCache):
    """Jinja's compiled templates, in memory for the life of the process (Jinja ships caches
    on disk and in memcached only).  A template's code is reused only while its source is the
    one it was compiled from: Jinja keys it by name and checks the source's checksum."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self._code.clear()


#: The compiled templates of every Data Docs build in this process.
COMPILED = TemplateCode()


class CompiledPageView(DefaultJinjaPageView):
    """GX's page view, its templates compiled once per process (:data:`COMPILED`)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.env.bytecode_cache = COMPILED


class CompiledIndexPageView(DefaultJinjaIndexPageView):
    """GX's index page view, its templates compiled once per process (:data:`COMPILED`)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.env.bytecode_cache = COMPILED


def _view(view: type) -> dict:
    return {"module_name": __name__, "class_name": view.__name__}


def site_config(directory: Path, language: str = "en") -> dict:
    """A GX Data Docs site in ``directory`` whose validation pages cite the procedure (in
    ``language``)."""
    return {
        "class_name": "SiteBuilder",
        "site_index_builder": {
            "class_name": "DefaultSiteIndexBuilder",
            "view": _view(CompiledIndexPageView),
        },
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": str(Path(directory).resolve()),
        },
        "site_section_builders": {
            "profiling": "0",
            "expectations": {"view": _view(CompiledPageView)},
            "validations": {
                "view": _view(CompiledPageView),
                "renderer": {
                    "class_name": "ValidationResultsPageRenderer",
                    "column_section_renderer": {
                        "module_name": "great_expectations.render.renderer.column_section_renderer",
                        "class_name": "ValidationResultsColumnSectionRenderer",
                        "table_renderer": {
                            "module_name": __name__,
                            "class_name": CITING_TABLES[language].__name__,
                        },
                    },
                },
            },
        },
    }


def assets_dir() -> Path:
    return Path(str(resources.files("zimes_audit.report").joinpath("assets")))


def asset_map() -> dict[str, str]:
    """CDN address → file under ``assets/`` (and so under ``data-docs/static/vendor/``)."""
    return json.loads((assets_dir() / "assets.json").read_text("utf-8"))


def relative_prefix(page: str) -> str:
    """``../`` once per folder between a page (relative to the site root) and the root."""
    return "../" * page.count("/")


def _rewrite(text: str, prefix: str, assets: dict[str, str]) -> str:
    def local(match: re.Match) -> str:
        url = match["url"]
        if url in assets:
            url = f"{prefix}{VENDOR_DIR}/{assets[url]}"
        elif url.startswith(GX_WEB_ASSETS):
            url = f"{prefix}static/images/{url[len(GX_WEB_ASSETS) :]}"
        elif re.match(r"(\./|(\.\./)+)static/", url):
            # GX 1.24 counts one folder too few for a validation page's favicon
            url = prefix + url[url.index("static/") :]
        return f"{match['attr']}={match['q']}{url}{match['q']}"

    # a file:// page may not load a script marked crossorigin, and the local copies need no SRI
    return SRI.sub("", ASSET_ATTRIBUTES.sub(local, text))


def _rewrite_css(text: str, images: Path) -> str:
    """GX's stylesheet links its web-asset bucket: the local image where GX ships it, else
    none (the dark-mode logo is not shipped)."""

    def local(match: re.Match) -> str:
        name = match[1]
        return f"url('../images/{name}')" if (images / name).is_file() else "none"

    return re.sub(r"url\(['\"]?" + re.escape(GX_WEB_ASSETS) + r"([^'\")]+)['\"]?\)", local, text)


def make_offline(directory: Path) -> list[Path]:
    """Copy the vendored assets into the site and point every page at them; return the pages."""
    directory = Path(directory)
    source = assets_dir()
    # file by file, not copytree: a full disk must surface as the OSError (ENOSPC) it is, which
    # the report folder turns into one line (copytree gathers errors into a shutil.Error)
    for asset in sorted(source.rglob("*")):
        if asset.is_file() and asset.suffix != ".json":
            copy = directory / VENDOR_DIR / asset.relative_to(source)
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(asset, copy)
    for css in (directory / "static" / "styles").glob("*.css"):
        css.write_text(
            _rewrite_css(css.read_text("utf-8"), directory / "static" / "images"), "utf-8"
        )
    assets = asset_map()
    pages = sorted(directory.rglob("*.html"))
    for page in pages:
        relative = page.relative_to(directory).as_posix()
        text = page.read_text("utf-8")
        page.write_text(_rewrite(text, relative_prefix(relative), assets), "utf-8")
    return pages


def build_site(context, directory: Path, language: str = "en") -> Path:
    """Build the Data Docs of ``context`` into ``directory``, offline, their citations in
    ``language``; return its index page."""
    context.add_data_docs_site(site_name="report", site_config=site_config(directory, language))
    context.build_data_docs(site_names=["report"])
    make_offline(directory)
    return Path(directory) / "index.html"

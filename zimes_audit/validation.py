"""Running the committed suites with Great Expectations.

One ephemeral GX context per audit: the DataFrames are passed at run time, the suites come from
``expectations/`` (loaded loudly, see :func:`zimes_audit.suites.to_gx_suite`), and the policy's
terms and the audit date are passed as suite parameters.  GX is fed only the columns the suite
reads, and results never carry the unexpected values themselves (GX issue #8780): only the row
positions, which the findings map back to records.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from zimes_audit.catalogue import load_catalogue
from zimes_audit.suites import load_suite_json, suite_path, to_gx_suite

RESULT_FORMAT = {
    "result_format": "COMPLETE",
    "exclude_unexpected_values": True,
    "return_unexpected_index_query": False,
    "partial_unexpected_count": 0,
}
_DTYPES = {
    "date": "datetime64[us]",
    "datetime": "datetime64[us]",
    "bool": "boolean",
    "number": "float64",
}


@dataclass(frozen=True)
class SuiteInfo:
    kind: str
    name: str
    path: str
    sha256: str
    expectations: int


def referenced_columns(suite: dict) -> list[str]:
    """Every column a suite's expectations read, row conditions included, in first-use order."""
    seen: dict[str, None] = {}

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("column", "column_A", "column_B") and isinstance(value, str):
                    seen.setdefault(value)
                elif key == "column" and isinstance(value, dict) and "name" in value:
                    seen.setdefault(value["name"])
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for exp in suite["expectations"]:
        walk(exp["kwargs"])
    return list(seen)


def narrow_frame(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The columns the suite reads, in row-position order; absent catalogue fields are empty."""
    catalogue = load_catalogue()
    out = {}
    for column in columns:
        if column in frame:
            out[column] = frame[column].to_numpy()
        else:
            field = catalogue.fields.get(column)
            dtype = _DTYPES.get(field.type, "string") if field else "string"
            out[column] = pd.Series([None] * len(frame), dtype=dtype).array
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))


class SuiteRunner:
    """Holds the GX context and the loaded suites for one audit."""

    def __init__(self, suites_dir: Path | None = None):
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self._gx = gx
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self._asset = self.context.data_sources.add_pandas("zimes").add_dataframe_asset("records")
        self.suites: dict[str, dict] = {}
        self.info: dict[str, SuiteInfo] = {}
        self._definitions = {}
        for kind in ("orders", "register"):
            raw, sha = load_suite_json(kind, suites_dir)
            source = str(suite_path(kind, suites_dir))
            suite = self.context.suites.add(to_gx_suite(raw, source))
            batch = self._asset.add_batch_definition_whole_dataframe(kind)
            self._definitions[kind] = self.context.validation_definitions.add(
                gx.ValidationDefinition(name=f"{raw['name']}-run", data=batch, suite=suite)
            )
            self.suites[kind] = raw
            self.info[kind] = SuiteInfo(kind, raw["name"], source, sha, len(suite.expectations))

    def run(self, kind: str, frame: pd.DataFrame, parameters: dict):
        """Validate ``frame`` (a kind's records with their facts) against that kind's suite."""
        narrow = narrow_frame(frame, referenced_columns(self.suites[kind]))
        return self._definitions[kind].run(
            batch_parameters={"dataframe": narrow},
            expectation_parameters=parameters,
            result_format=RESULT_FORMAT,
        )

    def build_data_docs(self, directory: Path) -> Path:
        """Write Data Docs for the validations run so far into ``directory``; return index.html."""
        site = {
            "class_name": "SiteBuilder",
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(directory.resolve()),
            },
        }
        self.context.add_data_docs_site(site_name="report", site_config=site)
        self.context.build_data_docs(site_names=["report"])
        return directory / "index.html"

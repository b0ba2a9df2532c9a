"""The benchmark's baseline: Great Expectations fed the default way (issue 15).

The whole frame of a kind in one batch, fingerprinted (GX's own ``HASH_THRESHOLD``), ``COMPLETE``
results naming an index column, and every position kept in the results store.  The same suites
and the same findings as :class:`~zimes_audit.checks.runner.SuiteRunner` (a test holds them
equal); only the way GX is fed differs.  Outside the package: the audit never runs it.
"""

from __future__ import annotations

import pandas as pd

from zimes_audit.checks.runner import SuiteRunner, narrow_frame, referenced_columns

NAIVE_RESULT_FORMAT = {  # personal values stay out of results and Data Docs here too
    "result_format": "COMPLETE",
    "unexpected_index_column_names": ["record_position"],
    "exclude_unexpected_values": True,
}


def _position_list(index_list: list) -> list[int]:
    """GX's index list naming ``record_position`` — one dict per row, or one dict of lists —
    as the plain positions the findings read.

    >>> _position_list([{"record_position": 2}, {"record_position": 5}])
    [2, 5]
    >>> _position_list([{"record_position": [1, 4]}])
    [1, 4]
    """
    rows: list[int] = []
    for entry in index_list:
        value = entry["record_position"]
        rows.extend(int(v) for v in (value if isinstance(value, list) else [value]))
    return rows


class NaiveSuiteRunner(SuiteRunner):
    """:class:`SuiteRunner` feeding GX the default way."""

    def _validate(self, kind: str, frame: pd.DataFrame, parameters: dict) -> list:
        wide = frame.reset_index(drop=True).assign(record_position=range(len(frame)))
        missing = [c for c in referenced_columns(self.suites[kind]) if c not in wide]
        wide = pd.concat([wide, narrow_frame(frame, missing)], axis=1)
        suite = self._gx_suites[kind]
        results = self.validate(kind, wide, suite, parameters, NAIVE_RESULT_FORMAT).results
        for item in results:
            found = (item.result or {}).get("unexpected_index_list")
            if found:
                item.result["unexpected_index_list"] = _position_list(found)
        return results

    def _stored(self, result):
        return result  # every position, as GX keeps it by default

"""One pass over a column for both free-text detectors — procedure §6 (PERSONAL-CODE-IN-TEXT,
CARD-NUMBER-IN-TEXT).

The personal-code and card-number scans each need an RE2 prefilter over every cell of a column,
then a Python reading of the few cells it picks.  Here one combined prefilter (either detector's
pattern) picks every candidate of both in a single pass over the column's **distinct** texts
(Arrow's dictionary encoding; for a column of mostly distinct texts, e-mails or phone numbers,
over its cells, and only the picks are encoded); each distinct text is classified once per
detector whose own prefilter it matches (:func:`~zimes_audit.detect.personal_codes.code_format`,
:func:`~zimes_audit.detect.card_numbers.card_issuer`; each removes the valid IBANs first,
python-stdnum's check once per distinct account) — not at all a text that is one valid IBAN
(:func:`~zimes_audit.detect.text.whole_ibans`, decided for all at once), nor, for codes, one
with no letter whose numbers all need a context word — and the verdicts are mapped back to the
cells.
The verdicts are the detectors' own, so this is the same answer as
:func:`~zimes_audit.detect.personal_codes.personal_code_labels` and
:func:`~zimes_audit.detect.card_numbers.card_number_labels`, for half the passes and one reading
of a text repeated in many cells (issue 29).

A cell quoting one of its own file's order numbers is read again with those numbers left out
(``documents``, :class:`~zimes_audit.detect.personal_codes.OrderNumbers`, issue 23).

>>> hits = scan_column(pd.Series(["p.k. 161175-19997", "karte 4111 1111 1111 1111", None,
...                               "p.k. 161175-19997", "Rīga"]))
>>> hits[CODE].positions.tolist(), hits[CODE].labels.tolist()
([0, 3], ['old format', 'old format'])
>>> hits[CARD].positions.tolist(), hits[CARD].labels.tolist()
([1], ['card number'])
>>> scan_column(pd.Series(["LV80BANK0000435195001"]))[CARD].positions.tolist()
[]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from zimes_audit.detect import card_numbers, personal_codes
from zimes_audit.detect.personal_codes import OrderNumbers
from zimes_audit.detect.text import (
    arrow_cells,
    as_text,
    distinct_cells,
    mostly_distinct,
    whole_ibans,
)

CODE, CARD = "personal code", "card number"
DETECTORS = (CODE, CARD)
_PREFILTERS = {CODE: personal_codes.PREFILTER, CARD: card_numbers.PREFILTER}
_COMBINED = "|".join(f"(?:{p})" for p in _PREFILTERS.values())


@dataclass(frozen=True)
class Hits:
    """The cells of a column where a detector found something: positions (ascending) and the
    label of each (``'old format'``, ``'new format'``, ``'card number'``) — never the value."""

    positions: np.ndarray
    labels: np.ndarray

    @classmethod
    def none(cls) -> Hits:
        return cls(np.zeros(0, np.int64), np.zeros(0, object))

    def series(self, index: pd.Index) -> pd.Series:
        """The labels as a column over ``index`` (``None`` where nothing was found)."""
        labels = np.full(len(index), None, dtype=object)
        labels[self.positions] = self.labels
        return pd.Series(labels, index=index, dtype=object)

    def mask(self, length: int) -> np.ndarray:
        """Per position of a column ``length`` long: does it hold something?"""
        out = np.zeros(length, bool)
        out[self.positions] = True
        return out


def _classifier(detector: str) -> Callable[[str], str | None]:
    if detector == CODE:
        return personal_codes.code_format
    return lambda text: card_numbers.LABEL if card_numbers.card_issuer(text) else None


def _distinct_candidates(text: pd.Series) -> tuple[np.ndarray, pd.Series, np.ndarray]:
    """Per cell the number of its distinct text (-1: null, or not picked), the distinct texts
    and which of them the combined prefilter picks.  Hashing a cell costs less than an RE2 pass
    over it, so a column is encoded first and each distinct text prefiltered once — unless
    :func:`~zimes_audit.detect.text.mostly_distinct` (e-mails, phone numbers): then
    encoding saves no pass, and the prefilter reads every cell and only its picks are encoded.
    Either way a cell's verdict is its text's."""
    cells = arrow_cells(text)
    if not mostly_distinct(cells):
        codes, distinct = distinct_cells(cells)
        return codes, distinct, distinct.str.contains(_COMBINED, regex=True).to_numpy(bool)
    picks = pc.match_substring_regex(cells, _COMBINED).fill_null(False)
    at = np.flatnonzero(picks.to_numpy(zero_copy_only=False))
    picked_codes, distinct = distinct_cells(cells.take(at))
    codes = np.full(len(cells), -1, dtype=picked_codes.dtype)
    codes[at] = picked_codes
    return codes, distinct, np.ones(len(distinct), bool)


def _candidates(distinct: pd.Series, picked: np.ndarray, detector: str) -> np.ndarray:
    """Those of the ``picked`` distinct texts ``detector`` reads: its prefilter's, and for
    codes only those that can hold one (a letter for a context word, or a number that needs
    none: :data:`~zimes_audit.detect.personal_codes.WITHOUT_CONTEXT`)."""

    def having(pattern: str, at: np.ndarray) -> np.ndarray:
        return at[distinct.iloc[at].str.contains(pattern).to_numpy(bool)]

    mine = having(_PREFILTERS[detector], picked)
    if detector != CODE:
        return mine
    lettered = having(personal_codes.LETTER, mine)
    return np.union1d(lettered, having(personal_codes.WITHOUT_CONTEXT, mine))


def scan_column(
    values: pd.Series,
    detectors: Sequence[str] = DETECTORS,
    documents: Sequence[OrderNumbers | None] | None = None,
) -> dict[str, Hits]:
    """Per detector, the :class:`Hits` of ``values`` (null and non-text hold nothing).

    ``documents``: per cell, its file's order numbers (or ``None``), left out of the code scan.
    A column with no cell (an absent field's) holds nothing, and is not read.

    >>> scan_column(pd.Series([None, None], dtype="str"))[CODE].positions.tolist()
    []
    """
    if not values.notna().any():
        return {detector: Hits.none() for detector in detectors}
    text = as_text(values)
    codes, distinct, picked = _distinct_candidates(text)
    at = np.flatnonzero(picked)  # a text that is one valid IBAN holds neither: not read
    picked[at[whole_ibans(pa.array(distinct.array).take(at))]] = False
    out = {}
    for detector in detectors:
        verdicts = np.full(len(distinct), None, dtype=object)
        if picked.any():
            mine = _candidates(distinct, np.flatnonzero(picked), detector)
            classify = _classifier(detector)
            verdicts[mine] = [classify(v) for v in distinct.iloc[mine]]
        held = np.append(pd.notna(verdicts), False)  # the last: a null cell (code -1)
        found = np.flatnonzero(held[codes])
        labels = verdicts[codes[found]]
        if detector == CODE and documents is not None:
            labels = _leave_out_order_numbers(found, labels, text, documents)
            found, labels = found[pd.notna(labels)], labels[pd.notna(labels)]
        out[detector] = Hits(found, labels)
    return out


def _leave_out_order_numbers(
    rows: np.ndarray, labels: np.ndarray, text: pd.Series, documents: Sequence[OrderNumbers | None]
) -> np.ndarray:
    """The codes found at ``rows``, each read again with its file's order numbers left out
    where its file has code-shaped ones."""
    return np.array(
        [
            label
            if documents[row] is None
            else personal_codes.code_format(text.iat[row], documents[row])
            for row, label in zip(rows.tolist(), labels, strict=True)
        ],
        dtype=object,
    )

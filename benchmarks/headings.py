"""Heading classification on headings nobody here wrote: how many map right, unknown, WRONG.

``python -m benchmarks.headings`` (first in ``make bench``; a second) classifies every heading of
the held-out list ``heldout/headings_heldout.csv`` (492 Latvian and English column headings as
people write them, with the field each names or ``none``; written without sight of the field
catalogue's synonyms — see ``heldout/README.md``) with the package's catalogue and counts:

- **right**: mapped to the expected field;
- **unknown**: left unclassified (a FIELD-UNCLASSIFIED finding, nothing audited wrongly);
- **wrong**: mapped to another field, or to any field where ``none`` was expected — the figure
  that must stay 0, for a wrong field is audited by another field's rules.

It exits 1 when any heading maps wrong (so ``make bench`` stops there).  It also says how many
of the right ones only the words matched (stems, abbreviations,
:mod:`zimes_audit.procedure.words`) rather than an exact synonym.  The list is evidence, not
training data: no heading of it is copied into the catalogue.

>>> rows = [{"heading": "E-pasts", "field": "email"}, {"heading": "Krāsa", "field": "none"},
...         {"heading": "Tālrunis", "field": "email"}]
>>> figures = measure(rows)
>>> figures["right"], figures["unknown"], figures["wrong"], figures["wrong_headings"]
(1, 1, 1, [('Tālrunis', 'email', 'phone')])
"""

from __future__ import annotations

import argparse
import csv
import json
from collections.abc import Iterable
from pathlib import Path

from zimes_audit.procedure.catalogue import WORDS, Catalogue, load_catalogue

HELDOUT = Path(__file__).parent / "heldout" / "headings_heldout.csv"
NONE = "none"


def load_heldout(path: Path = HELDOUT) -> list[dict[str, str]]:
    """The held-out rows: ``heading``, ``field`` (or ``none``), ``language``, ``note``."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def measure(rows: Iterable[dict[str, str]], catalogue: Catalogue | None = None) -> dict:
    """Right, unknown and wrong counts (and the wrong ones, to mend) over ``rows``."""
    catalogue = catalogue or load_catalogue()
    right = unknown = by_words = total = 0
    wrong: list[tuple[str, str, str]] = []
    for row in rows:
        total += 1
        found = catalogue.match(row["heading"])
        if found is None:
            unknown += 1
        elif found[0].name == row["field"]:
            right += 1
            by_words += found[1] == WORDS
        else:
            wrong.append((row["heading"], row["field"], found[0].name))
    return {
        "headings": total,
        "right": right,
        "right_by_words": by_words,
        "unknown": unknown,
        "wrong": len(wrong),
        "mapped_share": round(100 * right / total, 1) if total else 0.0,
        "wrong_headings": wrong,
    }


def render(figures: dict) -> str:
    lines = [
        f"headings (held-out list, {figures['headings']} headings written without the catalogue)",
        f"  right    {figures['right']:4d}  ({figures['mapped_share']:.1f}%; "
        f"{figures['right_by_words']} of them by words only)",
        f"  unknown  {figures['unknown']:4d}  (FIELD-UNCLASSIFIED: nothing audited wrongly)",
        f"  WRONG    {figures['wrong']:4d}  (must be 0)",
    ]
    lines += [f"    {h!r}: expected {e}, mapped to {m}" for h, e, m in figures["wrong_headings"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.headings", description=__doc__)
    parser.add_argument("--heldout", type=Path, default=HELDOUT, help="the held-out CSV")
    parser.add_argument("--out", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    figures = measure(load_heldout(args.heldout))
    print(render(figures))
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "headings.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    return 1 if figures["wrong"] else 0


if __name__ == "__main__":
    raise SystemExit(main())

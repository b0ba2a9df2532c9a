"""Detector accuracy: recall on published test vectors, false hits on a seeded look-alike corpus.

``python -m benchmarks.detectors`` (part of ``make bench``) prints, per detector:

- **recall** on numbers nobody here wrote (``data/published_vectors.json`` names the sources:
  payment networks' test cards, python-stdnum's Latvian codes and IBAN registry samples,
  email-validator's own test cases), each written in every form people write it;
- **false hits** per look-alike kind on a corpus of ≥ 20,000 cells a shop really has (EAN-13
  barcodes incl. Latvian 475… and German 400–440…, GTIN-14, SSCC-18, DPD parcel numbers, IBANs
  spaced or lower-case, millisecond timestamps, IMEIs, phone numbers next to a code word, date-based
  contract numbers, company registration numbers, order references, code-shaped document
  numbers glued to a prefix such as ``M-`` or ``Nr.``);
- **speed** per 100k cells of a notes column;
- **contacts at scale**: how many distinct e-mails and phones the exact vectorised pre-checks of
  :mod:`zimes_audit.detect.contacts` leave to email-validator / phonenumbers, the time with
  them and with the libraries alone, and that both give the same mask (on a seeded sample here;
  ``--workload DIR`` measures a benchmark workload instead, e.g. ``bench-out/unkind-1000000-200000``).

The corpus is seeded (``--seed``), so the counts are stable and ``tests/test_detectors.py``
asserts on them.

>>> cells = lookalike_corpus(per_kind=3, seed=1)
>>> sorted(set(cells["kind"])) == sorted(LOOKALIKES)
True
>>> ean13("475000000001")
'4750000000017'
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from stdnum import iban, luhn
from stdnum.lv import pvn

from benchmarks.workloads import AS_OF, VIOLATION_RATE
from zimes_audit.detect import card_numbers, contacts, personal_codes
from zimes_audit.detect.card_numbers import contains_card_number
from zimes_audit.detect.contacts import invalid_email, invalid_phone
from zimes_audit.detect.personal_codes import contains_personal_code

VECTORS = Path(__file__).parent / "data" / "published_vectors.json"
PER_KIND = 1600  # 15 kinds x 1600 = 24,000 cells
SEED = 2026
NBSP, NB_HYPHEN, EN_DASH = "\u00a0", "\u2011", "\u2013"


# ------------------------------------------------------------------ check digits


def gs1_check(body: str) -> str:
    """GS1 mod-10 check digit (EAN-13, GTIN-14, SSCC-18)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def ean13(body12: str) -> str:
    return body12 + gs1_check(body12)


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _gs1_prefix(rng: random.Random) -> str:
    return rng.choice(["475"] * 4 + [str(rng.randint(400, 440))] * 4 + ["590", "640", "690"])


def _spaced(text: str, size: int = 4, sep: str = " ") -> str:
    return sep.join(text[i : i + size] for i in range(0, len(text), size))


# ------------------------------------------------------------------ look-alike kinds


def _ean13(rng: random.Random) -> str:
    code = ean13(_gs1_prefix(rng) + _digits(rng, 9))
    return rng.choice(
        ["{}", "SKU {}", "Svītrkods: {}", "EAN {}", "{} x2", "Prece {} nav noliktavā"]
    ).format(code)


def _gtin14(rng: random.Random) -> str:
    body = str(rng.randint(1, 8)) + _gs1_prefix(rng) + _digits(rng, 9)
    return rng.choice(["{}", "GTIN {}", "(01){}", "Kaste {}"]).format(body + gs1_check(body))


def _sscc18(rng: random.Random) -> str:
    body = str(rng.randint(0, 9)) + _gs1_prefix(rng) + _digits(rng, 13)
    return rng.choice(["{}", "(00){}", "SSCC {}", "Palete {}"]).format(body + gs1_check(body))


def _dpd(rng: random.Random) -> str:
    number = "0" + rng.choice("0123456789") + _digits(rng, 12)
    return rng.choice(
        ["DPD paka {}", "Sūtījuma nr. {}", "Izsekošana: {}", "{}", "Nosūtīts ar DPD, {}"]
    ).format(number)


def _iban_foreign(rng: random.Random) -> str:
    while True:
        country, bban = rng.choice(
            [
                ("LT", lambda: _digits(rng, 16)),
                ("EE", lambda: _digits(rng, 16)),
                ("DE", lambda: _digits(rng, 18)),
                ("PL", lambda: _digits(rng, 24)),
                (
                    "NL",
                    lambda: "".join(rng.choice("ABCDEFGHIJ") for _ in range(4)) + _digits(rng, 10),
                ),
            ]
        )
        body = bban()
        number = country + iban.calc_check_digits(country + "00" + body) + body
        if iban.is_valid(number):
            break
    written = rng.choice(
        [_spaced(number), number, _spaced(number).lower(), _spaced(number, sep=NBSP)]
    )
    return rng.choice(["{}", "Konts {}", "IBAN: {}", "Atmaksāt uz {}"]).format(written)


def _iban_lv_lower(rng: random.Random) -> str:
    bank = rng.choice(["HABA", "UNLA", "PARX", "RIKO", "NDEA", "BANK"])
    body = bank + _digits(rng, 13)
    number = "LV" + iban.calc_check_digits("LV00" + body) + body
    written = rng.choice([number.lower(), _spaced(number).lower(), _spaced(number)])
    return rng.choice(["{}", "konts {}", "Atmaksa: {}"]).format(written)


def _timestamp(rng: random.Random) -> str:
    moment = datetime(2017, 1, 1) + timedelta(seconds=rng.randint(0, 10 * 365 * 86400))
    ms = str(int(moment.timestamp() * 1000) + rng.randint(0, 999))
    return rng.choice(["{}", "ts={}", "created {}", "id_{}"]).format(ms)


def _imei(rng: random.Random) -> str:
    body = rng.choice(["35", "86", "01", "35"]) + _digits(rng, 12)
    number = body + luhn.calc_check_digit(body)
    return rng.choice(["IMEI {}", "IMEI: {}", "{}", "Telefona IMEI {}"]).format(number)


def _phone_context(rng: random.Random) -> str:
    mobile = rng.choice("2") + _digits(rng, 7)
    number = rng.choice(["371" + mobile, "371 " + mobile, "+371" + mobile, mobile])
    return rng.choice(
        [
            "Nerakstīt p.k. rēķinā! Tālr. {}",
            "p.k. nav, tālr. {}",
            "Tālr. {}",
            "mob. {}",
            "Zvanīt {} pirms piegādes",
            "tel.: {}",
            "Personas kodu neprasīt, tālr. {}",
            "pk nevajag; mob. {}",
            "{}",
        ]
    ).format(number)


def _document(rng: random.Random) -> str:
    day = datetime(2015, 1, 1) + timedelta(days=rng.randint(0, 4000))
    number = day.strftime("%y%m%d") + rng.choice(["-", "-", "", " "]) + _digits(rng, 5)
    return rng.choice(
        [
            "Līgums {}",
            "Līguma nr. {}",
            "Rēķins Nr. {}",
            "Pavadzīme {}",
            "Contract {}",
            "Invoice no. {}",
        ]
    ).format(number)


def _company(rng: random.Random) -> str:
    while True:
        number = rng.choice("459") + _digits(rng, 10)
        if pvn.is_valid(number):
            break
    return rng.choice(
        ["Reģ. nr. {}", "SIA, reģ. Nr. {}", "PVN LV{}", "{}", "Uzņēmuma kods {}"]
    ).format(number)


def _order_ref(rng: random.Random) -> str:
    return rng.choice(
        [
            f"Pasūtījums M-{_digits(rng, 7)}-25",
            f"Order #{rng.randint(10000, 999999)}",
            f"Maksājuma uzdevums Nr. {_digits(rng, 11)}",
            f"Rēķins 2024-{_digits(rng, 7)}",
            f"Apmaksāts {rng.randint(5, 400)},{rng.randint(0, 99):02d} EUR",
        ]
    )


def _valid_old_code(rng: random.Random) -> str:
    """Eleven digits that ARE a valid old-format personal code (a real date, century digit,
    check digit): what a document number may happen to look like."""
    while True:
        born = datetime(1950, 1, 1) + timedelta(days=rng.randint(0, 20000))
        body = born.strftime("%d%m%y") + ("1" if born.year < 2000 else "2") + _digits(rng, 3)
        if pvn.calc_check_digit_pers(body) in "0123456789":
            return body + pvn.calc_check_digit_pers(body)


def _document_prefixed(rng: random.Random) -> str:
    """A code-shaped number glued to letters or right after a document prefix: an order or
    document number (``M-120485-10308``), never a personal code — though its digits would be."""
    digits = _valid_old_code(rng)
    number = digits[:6] + rng.choice(["-", "-", ""]) + digits[6:]
    return rng.choice(
        [
            "Klients jautāja, kā pasūtījumā M-{}",
            "skat. ZIM-{}",
            "Nr.{}",
            "Nr. {}, apmaksāts",
            "atgriezts, sk. A{}",
            "dokuments {}B",
            "M-{}-2",
            "Preces nomainītas (ZIM-{})",
        ]
    ).format(number)


def _postal(rng: random.Random) -> str:
    return f"{rng.choice(['Brīvības iela', 'Tērbatas iela', 'Dzirnavu iela'])} {rng.randint(1, 150)}-{rng.randint(1, 60)}, Rīga, LV-{rng.randint(1001, 1099)}"


def _card_word_ean(rng: random.Random) -> str:
    """An EAN-13 next to a card word: a gift card's barcode — the hardest 13-digit case."""
    code = ean13(_gs1_prefix(rng) + _digits(rng, 9))
    return rng.choice(
        ["Dāvanu kartes svītrkods {}", "Gift card EAN {}", "{} (dāvanu karte)"]
    ).format(code)


LOOKALIKES: dict[str, Callable[[random.Random], str]] = {
    "EAN-13 (475/400-440)": _ean13,
    "GTIN-14": _gtin14,
    "SSCC-18": _sscc18,
    "DPD parcel number": _dpd,
    "foreign IBAN (spaced, lower-case)": _iban_foreign,
    "LV IBAN (lower-case)": _iban_lv_lower,
    "ms timestamp": _timestamp,
    "IMEI": _imei,
    "phone with context words": _phone_context,
    "date-based document number": _document,
    "company registration number": _company,
    "order/invoice reference": _order_ref,
    "code-shaped document number (M-…, Nr. …)": _document_prefixed,
    "address": _postal,
    "gift-card EAN-13 next to a card word": _card_word_ean,
}
#: deliberately ambiguous: a barcode printed next to "karte" is a 13-digit number beside a card
#: word; it is counted apart (docs/rules.md names it) and not in the ≤ 0.05% budget.
AMBIGUOUS = {"gift-card EAN-13 next to a card word"}


def lookalike_corpus(per_kind: int = PER_KIND, seed: int = SEED) -> pd.DataFrame:
    """``per_kind`` cells of every look-alike kind; none holds a card number or a personal code."""
    rng = random.Random(seed)
    rows = [(kind, make(rng)) for kind, make in LOOKALIKES.items() for _ in range(per_kind)]
    return pd.DataFrame(rows, columns=["kind", "text"])


# ------------------------------------------------------------------ published vectors


def load_vectors() -> dict:
    return json.loads(VECTORS.read_text("utf-8"))


def card_forms(number: str) -> dict[str, str]:
    """The ways a card number is written: contiguous, and its issuer's grouping with each separator."""
    if len(number) == 15:
        sizes = (4, 6, 5)
    elif len(number) == 14:
        sizes = (4, 6, 4)
    else:
        sizes = tuple([4] * (len(number) // 4) + ([len(number) % 4] if len(number) % 4 else []))
    parts, at = [], 0
    for size in sizes:
        parts.append(number[at : at + size])
        at += size
    forms = {"contiguous": number}
    for name, sep in (("spaces", " "), ("no-break spaces", NBSP), ("hyphens", "-")):
        forms[name] = sep.join(parts)
    forms.update(
        {
            "LV sentence": f"Kartes nr. {forms['spaces']}, derīga līdz 12/28",
            "EN sentence": f"Please charge my card {number} again",
        }
    )
    return forms


def code_forms(code: str) -> dict[str, str]:
    """The ways a personal code is written: separators, ``LV`` prefix, Latvian and English sentences."""
    digits = code.replace("-", "")
    head, tail = digits[:6], digits[6:]
    return {
        "hyphen": f"{head}-{tail}",
        "en dash": f"{head}{EN_DASH}{tail}",
        "non-breaking hyphen": f"{head}{NB_HYPHEN}{tail}",
        "space": f"{head} {tail}",
        "none": digits,
        "LV prefix": f"LV{digits}",
        "p.k.": f"Rēķinā p.k. {digits}",
        "pers. k.": f"Saņēmējs Jānis Bērziņš, pers. k. {head}-{tail}",
        "p/k": f"p/k {head} {tail}",
        "personas kods ir": f"Mans personas kods ir {digits}",
        "personas koda (genitive)": f"Lūdzu nerakstīt personas koda {head}{EN_DASH}{tail} rēķinā",
        "personal code": f"My personal code is {digits}, thanks",
        "ID code": f"ID code: {head} {tail}",
    }


# ------------------------------------------------------------------ measuring


def _rate(hits: int, n: int) -> str:
    return f"{hits}/{n} ({100 * hits / n:.2f}%)" if n else "0/0"


def _clear_caches() -> None:
    card_numbers.card_issuer.cache_clear()
    personal_codes._classify.cache_clear()
    for cached in (contacts._email_ok, contacts._phone_ok, contacts._one_phone_ok):
        cached.cache_clear()


# ------------------------------------------------------------------ contacts at scale


def sample_contacts(orders: int = 4000, customers: int = 1000, seed: int = SEED) -> dict:
    """Every e-mail and phone cell of a seeded sample (orders and register), as text."""

    from zimes_audit.sample import generate

    sample = generate(orders, customers, seed=seed, as_of=AS_OF, violation_rate=VIOLATION_RATE)
    heads, reg = sample.order_headings, sample.register_headings

    def cells(order_field: str, register_field: str) -> pd.Series:
        values = [r[heads.index(order_field)] for r in sample.orders]
        values += [r[reg.index(register_field)] for r in sample.register]
        return pd.Series([None if v in (None, "") else str(v) for v in values], dtype="str")

    return {"email": cells("email", "E-pasts"), "phone": cells("phone", "Tālrunis")}


def workload_contacts(folder: Path) -> dict:
    """Every e-mail and phone cell of a workload folder, loaded as the audit loads them."""
    from zimes_audit.loading import load_inputs
    from zimes_audit.procedure.catalogue import load_catalogue

    catalogue = load_catalogue()
    tables = load_inputs([folder])
    out = {}
    for kind in ("email", "phone"):
        columns = [
            t.frame[name].astype("str")
            for t in tables
            for name in catalogue.validated_as(kind)
            if name in t.frame
        ]
        out[kind] = pd.concat(columns, ignore_index=True)
    return out


def _library_only(values: pd.Series, ok: Callable[[str], bool]) -> np.ndarray:
    """The mask as before the pre-checks: every distinct present value to the library."""
    text = values.astype("string").str.strip()
    present = (text.notna() & (text != "")).to_numpy(bool)
    codes, unique = pd.factorize(text[present])
    verdict = np.array([not ok(v) for v in unique], bool)
    mask = np.zeros(len(values), bool)
    mask[present] = verdict[codes]
    return mask


def contact_figures(cells: dict, region: str = "LV", library_only: bool = True) -> dict:
    """Per kind: cells, distinct values, how many went to the library, seconds with the
    pre-checks and (``library_only``) with the library alone, and the cells where the two masks
    differ (always 0: the pre-checks are exact)."""
    judges = {
        "email": (invalid_email, contacts._email_ok, contacts._email_ok.__wrapped__),
        "phone": (
            lambda s: invalid_phone(s, region),
            contacts._phone_ok,
            lambda v: contacts._phone_ok.__wrapped__(v, region),
        ),
    }
    out = {}
    for kind, values in cells.items():
        judge, cached, raw = judges[kind]
        text = values.astype("string").str.strip()
        fig = {"cells": len(values), "distinct": int(text[text.ne("").fillna(False)].nunique())}
        _clear_caches()
        start = time.perf_counter()
        mask = judge(values).to_numpy(bool)
        fig["seconds"] = round(time.perf_counter() - start, 3)
        fig["library_calls"] = cached.cache_info().misses
        fig["invalid_cells"] = int(mask.sum())
        if library_only:
            _clear_caches()
            start = time.perf_counter()
            reference = _library_only(values, raw)
            fig["library_only_seconds"] = round(time.perf_counter() - start, 3)
            fig["disagreements"] = int((reference != mask).sum())
        out[kind] = fig
    return out


def contact_report(figures: dict, label: str) -> list[str]:
    lines = [f"  contacts, {label}: exact pre-checks, then the library for the rest"]
    for kind, f in figures.items():
        line = (
            f"    {kind:<6} {f['cells']:>9,} cells, {f['distinct']:>9,} distinct: "
            f"{f['library_calls']:>7,} to the library, {f['seconds']:.2f} s"
        )
        if "library_only_seconds" in f:
            line += (
                f" (library alone: {f['library_only_seconds']:.2f} s, "
                f"{f['disagreements']} cells differ)"
            )
        lines.append(line)
    return lines


def measure(per_kind: int = PER_KIND, seed: int = SEED, speed_cells: int = 100_000) -> dict:
    """Every figure the benchmark prints, as a dict (the tests assert on it)."""
    vectors = load_vectors()
    out: dict = {"seed": seed}

    # cards: recall over issuers x forms
    cells = [
        (issuer, form, text)
        for issuer, numbers in vectors["cards"].items()
        for number in numbers
        for form, text in card_forms(number).items()
        if not (len(number) == 13 and form not in ("LV sentence", "EN sentence"))
    ]
    found = contains_card_number(pd.Series([c[2] for c in cells]))
    out["card_recall"] = {"found": int(found.sum()), "total": len(cells)}
    out["card_misses"] = [f"{c[0]} {c[1]}" for c, f in zip(cells, found, strict=True) if not f]

    # personal codes: recall over codes x forms
    cells = [
        (fmt, form, text)
        for fmt, codes in vectors["personal_codes"].items()
        for code in codes
        for form, text in code_forms(code).items()
    ]
    found = contains_personal_code(pd.Series([c[2] for c in cells]))
    out["code_recall"] = {"found": int(found.sum()), "total": len(cells)}
    out["code_misses"] = [f"{c[0]} {c[1]}" for c, f in zip(cells, found, strict=True) if not f]

    # published negatives: IBAN registry samples (also lower-case) and company numbers
    ibans = vectors["ibans"] + [x.lower() for x in vectors["ibans"]]
    negatives = pd.Series(ibans + [f"Reģ. nr. {n}" for n in vectors["company_numbers"]])
    out["published_negatives"] = {
        "cells": len(negatives),
        "card_hits": int(contains_card_number(negatives).sum()),
        "code_hits": int(contains_personal_code(negatives).sum()),
    }

    # e-mails: email-validator's own cases
    valid = pd.Series(vectors["emails"]["valid"])
    invalid = pd.Series(vectors["emails"]["invalid"])
    out["email"] = {
        "valid_accepted": int((~invalid_email(valid)).sum()),
        "valid_total": len(valid),
        "invalid_rejected": int(invalid_email(invalid).sum()),
        "invalid_total": len(invalid),
    }

    # look-alike corpus: false hits per kind
    corpus = lookalike_corpus(per_kind, seed)
    _clear_caches()
    corpus["card"] = contains_card_number(corpus["text"]).to_numpy()
    corpus["code"] = contains_personal_code(corpus["text"]).to_numpy()
    per = corpus.groupby("kind", sort=False)[["card", "code"]].sum()
    out["lookalikes"] = {
        kind: {"cells": per_kind, "card_hits": int(r.card), "code_hits": int(r.code)}
        for kind, r in per.iterrows()
    }
    scored = corpus[~corpus["kind"].isin(AMBIGUOUS)]
    out["lookalike_cells"] = len(corpus)
    out["lookalike_scored_cells"] = len(scored)
    out["lookalike_card_hits"] = int(scored["card"].sum())
    out["lookalike_code_hits"] = int(scored["code"].sum())
    out["lookalike_hit_examples"] = {
        "card": corpus.loc[corpus["card"], "text"].head(5).tolist(),
        "code": corpus.loc[corpus["code"], "text"].head(5).tolist(),
    }

    # the new-format choice, measured: what would count if a bare 32… number were enough
    bare = corpus["text"].str.extractall(r"(?<![0-9])(3[2-9][0-9]{9})(?![0-9])")[0]
    out["bare_new_format_alternatives"] = {
        "any bare 3[2-9] 11-digit number": int(bare.groupby(level=0).size().gt(0).sum()),
        "bare 32… passing stdnum's check digit": int(
            bare[bare.str.startswith("32")].map(pvn.is_valid).groupby(level=0).any().sum()
        ),
    }

    # speed per 100k cells: a notes column (mostly ordinary notes, 5% look-alikes) and the
    # look-alike corpus itself (every cell a candidate: the worst case)
    rng = random.Random(seed)
    from zimes_audit.sample.pools import CLEAN_NOTES

    texts = corpus["text"].tolist()
    mixed = [
        rng.choice(texts) if rng.random() < 0.05 else rng.choice(CLEAN_NOTES)
        for _ in range(speed_cells)
    ]
    worst = (corpus["text"].tolist() * (speed_cells // len(corpus) + 1))[:speed_cells]
    speed = {}
    for label, column in (("notes", mixed), ("look-alikes only", worst)):
        series = pd.Series(column, dtype="str")
        for name, detector in (("cards", contains_card_number), ("codes", contains_personal_code)):
            _clear_caches()
            start = time.perf_counter()
            detector(series)
            speed[f"{name}, {label}"] = round(
                (time.perf_counter() - start) * 100_000 / speed_cells, 3
            )
    out["seconds_per_100k"] = speed

    out["contacts_sample"] = contact_figures(sample_contacts(seed=seed))
    return out


def report(figures: dict) -> str:
    lines = ["detector accuracy (published vectors; seeded look-alike corpus)"]
    r = figures["card_recall"]
    lines.append(
        f"  cards  recall on published test cards x forms: {_rate(r['found'], r['total'])}"
    )
    for miss in figures["card_misses"]:
        lines.append(f"         missed: {miss}")
    r = figures["code_recall"]
    lines.append(
        f"  codes  recall on published codes x forms:      {_rate(r['found'], r['total'])}"
    )
    for miss in figures["code_misses"]:
        lines.append(f"         missed: {miss}")
    n = figures["published_negatives"]
    lines.append(
        f"  IBAN registry samples + company numbers ({n['cells']} cells): "
        f"card hits {n['card_hits']}, code hits {n['code_hits']}"
    )
    e = figures["email"]
    lines.append(
        f"  e-mail email-validator's cases: valid accepted {e['valid_accepted']}/{e['valid_total']}, "
        f"invalid rejected {e['invalid_rejected']}/{e['invalid_total']}"
    )
    lines.append(f"  look-alikes ({figures['lookalike_cells']} cells), false hits per kind:")
    lines.append(f"    {'kind':<40} {'cards':>7} {'codes':>7}")
    for kind, r in figures["lookalikes"].items():
        mark = " (ambiguous, not scored)" if kind in AMBIGUOUS else ""
        lines.append(f"    {kind:<40} {r['card_hits']:>7} {r['code_hits']:>7}{mark}")
    n = figures["lookalike_scored_cells"]
    lines.append(
        f"    {'total (scored)':<40} {figures['lookalike_card_hits']:>7} "
        f"{figures['lookalike_code_hits']:>7}   cards {_rate(figures['lookalike_card_hits'], n)}, "
        f"codes {_rate(figures['lookalike_code_hits'], n)}"
    )
    for rule, hits in figures["bare_new_format_alternatives"].items():
        lines.append(
            f"    if {rule} counted: {_rate(hits, figures['lookalike_cells'])} code false hits"
        )
    lines.append("  speed, seconds per 100k cells:")
    for label, seconds in figures["seconds_per_100k"].items():
        lines.append(f"    {label:<28} {seconds:.3f}")
    lines += contact_report(figures["contacts_sample"], "seeded sample")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.detectors", description=__doc__)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--per-kind", type=int, default=PER_KIND)
    parser.add_argument("--out", type=Path, help="also write the figures as JSON here")
    parser.add_argument(
        "--workload",
        type=Path,
        action="append",
        help="measure only the contact pre-checks on this workload folder (repeatable)",
    )
    parser.add_argument(
        "--no-library-only",
        action="store_true",
        help="with --workload: skip the library-alone reference (slow on 1M distinct values)",
    )
    args = parser.parse_args(argv)
    if args.workload:
        figures = {}
        for folder in args.workload:
            start = time.perf_counter()
            cells = workload_contacts(folder)
            loaded = time.perf_counter() - start
            figures[str(folder)] = contact_figures(cells, library_only=not args.no_library_only)
            print(f"{folder} (loaded in {loaded:.1f} s)")
            print("\n".join(contact_report(figures[str(folder)], folder.name)), flush=True)
    else:
        figures = measure(args.per_kind, args.seed)
        print(report(figures))
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "detectors.json").write_text(json.dumps(figures, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

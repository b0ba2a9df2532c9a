"""An independent floor for ``make bench``: the audit's rules written as directly as possible,
in polars, outside the pipeline (issue 15).

What it shares with the pipeline, and nothing else:

- **the procedure as data** — the field catalogue and policy (``zimes_audit/procedure/data/*.toml``,
  read here with :mod:`tomllib`) and the committed suites (``expectations/*.json``: which
  expectation of which rule on which column, in which order, with its meta and detail wording);
- **the validators** — the per-value verdicts of :mod:`zimes_audit.detect`: e-mail and
  phone validity (email-validator, phonenumbers behind their exact pre-checks), personal codes,
  card numbers.  Writing those again would measure a second, different detector, not a floor;
- **a few constants that are contracts, not logic** — ``findings.csv``'s columns, the yes/no
  words a cell may hold, and the characters that make a spreadsheet read text as a formula.

Everything else is its own: reading the two workload layouts (a delimited orders export, UTF-8 or
Windows-1257; a register workbook with a title above its header) with polars and python-calamine,
mapping headings through the catalogue, linking orders to the register, the facts (relationship
end, purchases, unpaid orders, first and last activity, shared e-mails), one boolean mask per
expectation, the merge to one row per record × rule, and ``findings.csv``.

Its scope is the benchmark's workloads: a cell its simple readers cannot read (the pipeline would
report it as an unreadable value) stops it with an error instead of a silently different answer;
it knows no administrator's field map; and it scans each unknown column on its own, where the
pipeline scans the joined text of all of a file's unknown columns (the same thing with one unknown
column, as in the unkind workload).

``python -m benchmarks.floor DATA_DIR --out findings.csv`` prints per-stage seconds and peak RSS as
JSON.  ``tests/test_floor.py`` checks that its findings equal the pipeline's.
"""

from __future__ import annotations

import argparse
import json
import time
import tomllib
import unicodedata
from datetime import date, datetime
from pathlib import Path

import polars as pl

from benchmarks import floor_detect
from benchmarks.memory import peak_rss_mb
from benchmarks.workloads import AS_OF

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "zimes_audit" / "procedure" / "data"
SUITES = ROOT / "expectations"
KINDS = ("orders", "register")
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d", "%Y-%m-%d %H:%M", "%d.%m.%Y", "%d.%m.%Y %H:%M")
# Contracts, not logic (docs/contracts.md); written here so that the floor imports nothing of the
# pipeline, and tests/test_floor.py checks them equal to the pipeline's.
#: findings.csv's columns, in order
FINDINGS_COLUMNS = ["source_file", "source_row", "record_id", "rule_id", "procedure_section"]
FINDINGS_COLUMNS += ["severity", "action", "field", "detail"]
#: the words a yes/no cell may hold
TRUE_WORDS = ("jā", "ja", "j", "yes", "y", "true", "patiess", "ir", "1", "+", "x", "✓", "✔", "v")
FALSE_WORDS = ("nē", "ne", "n", "no", "false", "aplams", "nav", "0", "-", "–", "—")
#: what makes a spreadsheet read text as a formula (and the apostrophe that neutralises it)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


class OutOfScope(Exception):
    """The input holds something the floor's simple readers do not handle."""


# ------------------------------------------------------------------------------ procedure data
def fold(text: str) -> str:
    """A heading as compared: no diacritics, case or punctuation; bracketed remarks dropped."""
    import re

    text = re.sub(r"\([^()]*\)", " ", str(text).replace("\ufeff", ""))
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() else " " for c in plain.casefold()).split())


class Procedure:
    """The catalogue, policy and suites, read as data."""

    def __init__(self) -> None:
        self.catalogue = tomllib.loads((DATA / "field_catalogue.toml").read_text("utf-8"))
        self.policy = tomllib.loads((DATA / "policy.toml").read_text("utf-8"))
        self.fields: dict[str, dict] = self.catalogue["fields"]
        self.by_heading = {}
        for name, spec in self.fields.items():
            for heading in (name, *spec["headings"]):
                self.by_heading.setdefault(fold(heading), name)
        self.suites = {
            kind: json.loads((SUITES / f"zimes_{kind}.json").read_text("utf-8"))
            for kind in (*KINDS, "columns")
        }
        terms = self.policy["terms"]
        self.parameters = {
            "retention_years": terms["retention_years"],
            "inactivity_years": terms["inactivity_years"],
            "phone_region": self.policy["phones"]["default_region"],
        }

    def field_for(self, heading: str) -> str | None:
        return self.by_heading.get(fold(heading))

    def kind_of(self, fields: set[str]) -> str | None:
        """The kind whose required fields and one of whose ``any_of`` fields a file has; a file
        that could be more than one is out of the floor's scope (the pipeline weighs them)."""
        fits = [
            kind
            for kind, spec in self.catalogue["kinds"].items()
            if set(spec["requires"]) <= fields and fields & set(spec["any_of"])
        ]
        if len(fits) > 1:
            raise OutOfScope(f"a file that could be {' or '.join(fits)}")
        return fits[0] if fits else None


# ------------------------------------------------------------------------------------ reading
def _text(frame: pl.DataFrame) -> pl.DataFrame:
    """Every column stripped, an empty cell null."""
    return frame.with_columns(
        pl.when(pl.col(c).str.strip_chars() == "")
        .then(None)
        .otherwise(pl.col(c).str.strip_chars())
        .alias(c)
        for c in frame.columns
    )


def read_csv(path: Path) -> tuple[list[str], pl.DataFrame, int]:
    """A delimited export, every cell text: polars reads the file itself when it is UTF-8 (and
    says when it is not: then it is Windows-1257, decoded once)."""
    with path.open("rb") as handle:
        first = handle.readline().removeprefix(b"\xef\xbb\xbf")
    delimiter = max((",", ";", "\t"), key=lambda d: first.count(d.encode()))
    options = {"separator": delimiter, "infer_schema": False, "quote_char": '"'}
    try:
        frame = pl.read_csv(path, encoding="utf8", **options)
    except pl.exceptions.ComputeError:  # not UTF-8
        frame = pl.read_csv(path.read_bytes().decode("cp1257").encode("utf-8"), **options)
    headings = [h.removeprefix("\ufeff") for h in frame.columns]
    frame = frame.rename({h: str(i) for i, h in enumerate(frame.columns)})
    rows = pl.int_range(2, frame.height + 2, dtype=pl.Int64, eager=True)
    return headings, _text(frame).with_columns(source_row=rows), 1


def read_xlsx(path: Path) -> tuple[list[str], pl.DataFrame, int]:
    """The first sheet, straight into Arrow (fastexcel/calamine), every cell as text (a date cell
    as ``YYYY-MM-DD HH:MM:SS``); the header is the first row with two cells filled."""
    import fastexcel

    sheet = fastexcel.read_excel(path).load_sheet(0, header_row=None, dtypes="string")
    frame = sheet.to_polars()
    frame = _text(frame.rename({c: str(i) for i, c in enumerate(frame.columns)}))
    filled = frame.select(pl.sum_horizontal(pl.all().is_not_null()).alias("n"))["n"]
    header = int((filled >= 2).arg_true()[0])
    headings = ["" if v is None else v for v in frame.row(header)]
    body = frame.with_row_index("_i").slice(header + 1).filter(filled.slice(header + 1) > 0)
    rows = (pl.col("_i").cast(pl.Int64) + 1).alias("source_row")
    return headings, body.with_columns(rows).drop("_i"), header + 1


def as_dates(text: pl.Series, name: str) -> pl.Series:
    """The column's text as datetimes: the format that reads its first values for the whole
    column in one pass, then the other formats for what it left; unreadable text is refused."""
    sample = text.drop_nulls().head(1000)
    first = next((f for f in DATE_FORMATS if _reads(sample, f)), DATE_FORMATS[0])
    parsed = text.str.strptime(pl.Datetime("us"), first, strict=False)
    left = text.is_not_null() & parsed.is_null()
    if left.any():
        rest = [text.str.strptime(pl.Datetime("us"), f, strict=False) for f in DATE_FORMATS]
        parsed = pl.select(pl.coalesce(parsed, *rest)).to_series()
        if (text.is_not_null() & parsed.is_null()).any():
            raise OutOfScope(f"unreadable date in {name}")
    return parsed.alias(name)


def _reads(sample: pl.Series, fmt: str) -> bool:
    return sample.str.strptime(pl.Datetime("us"), fmt, strict=False).null_count() == 0


def as_bools(text: pl.Series, name: str) -> pl.Series:
    low = text.str.to_lowercase()
    out = pl.when(low.is_in(list(TRUE_WORDS))).then(True)
    out = out.when(low.is_in(list(FALSE_WORDS))).then(False).otherwise(None)
    values = pl.select(out.alias(name)).to_series()
    if (text.is_not_null() & values.is_null()).any():
        raise OutOfScope(f"unreadable yes/no in {name}")
    return values


def as_numbers(text: pl.Series, name: str) -> pl.Series:
    """Decimal comma or point, spaces and ``€``/``EUR`` ignored: each distinct text read once."""
    distinct = text.drop_nulls().unique()
    plain = distinct.str.replace_all(r"[\s€]|EUR", "").str.replace(",", ".")
    values = plain.cast(pl.Float64, strict=False)
    if values.null_count():
        raise OutOfScope(f"unreadable number in {name}")
    return text.replace_strict(distinct, values, default=None, return_dtype=pl.Float64).alias(name)


def load(procedure: Procedure, data: Path) -> tuple[dict[str, pl.DataFrame], list[dict]]:
    """The inputs of ``data`` by kind (typed, canonical column names) and one row per column."""
    frames: dict[str, list[pl.DataFrame]] = {k: [] for k in KINDS}
    columns: list[dict] = []
    for path in sorted(p for p in data.iterdir() if p.suffix.lower() in (".csv", ".xlsx")):
        reader = read_xlsx if path.suffix.lower() == ".xlsx" else read_csv
        headings, raw, header_row = reader(path)
        fields = [procedure.field_for(h) for h in headings]
        kind = procedure.kind_of({f for f in fields if f})
        if kind is None:
            continue
        typed = [raw["source_row"], pl.Series("source_file", [path.name] * raw.height)]
        for i, (heading, name) in enumerate(zip(headings, fields, strict=True)):
            text = raw[str(i)]
            kind_of_field = procedure.fields[name]["type"] if name else "text"
            columns.append(
                {
                    "source_file": path.name,
                    "source_row": header_row,
                    "heading": heading,
                    "unclassified": name is None,
                    "holds_values": text.is_not_null().any(),
                }
            )
            if name is None:
                typed.append(text.alias("?" + heading))
            elif kind_of_field in ("date", "datetime"):
                dates = as_dates(text, name)
                typed.append(dates if kind_of_field == "datetime" else dates.dt.truncate("1d"))
            elif kind_of_field == "bool":
                typed.append(as_bools(text, name))
            elif kind_of_field == "number":
                typed.append(as_numbers(text, name))
            else:
                typed.append(text.alias(name))
        frames[kind].append(pl.DataFrame(typed))
    out = {k: pl.concat(v, how="diagonal_relaxed") for k, v in frames.items() if v}
    return out, columns


# -------------------------------------------------------------------------------------- facts
def _col(frame: pl.DataFrame, name: str, dtype=pl.String) -> pl.Expr:
    return pl.col(name) if name in frame.columns else pl.lit(None, dtype=dtype)


def _ids(frame: pl.DataFrame) -> pl.Expr:
    text = _col(frame, "customer_id").str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text)


def _emails(frame: pl.DataFrame) -> pl.Expr:
    text = _col(frame, "email").str.strip_chars().str.to_lowercase()
    return pl.when(text == "").then(None).otherwise(text)


def _names_filled(frame: pl.DataFrame, names: list[str]) -> pl.Expr:
    """The names of ``names`` that hold a value, joined by ``;`` (null when none)."""
    present = [n for n in names if n in frame.columns]
    if not present:
        return pl.lit(None, dtype=pl.String)
    parts = [pl.when(pl.col(n).is_not_null()).then(pl.lit(n)) for n in present]
    joined = pl.concat_str(parts, separator=";", ignore_nulls=True)
    return pl.when(joined == "").then(None).otherwise(joined)


def _days(frame: pl.DataFrame, name: str) -> pl.Expr:
    return _col(frame, name, pl.Datetime("us")).dt.truncate("1d")


def facts(procedure: Procedure, frames: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    policy = procedure.policy
    contacts = policy["accounting"]["contact_fields_not_needed"]
    guest_years = policy["terms"]["guest_relationship_years"]
    paid = [s.casefold() for s in procedure.catalogue["values"]["paid_statuses"]]
    orders = frames.get("orders")
    register = frames.get("register", pl.DataFrame({"customer_id": pl.Series([], dtype=pl.String)}))
    register = register.with_row_index("_position")
    out = {}
    if orders is not None:
        # whether the customer id an order names is in the register (only with a register)
        named = {
            "customer_in_register": pl.when(pl.col("_id").is_null())
            .then(pl.lit(None, dtype=pl.String))
            .when(pl.col("_position").is_not_null())
            .then(pl.lit("yes"))
            .otherwise(pl.lit("no"))
        } if "register" in frames else {}  # fmt: skip
        by_id = (
            register.select(_ids(register).alias("_id"), "_position")
            .drop_nulls("_id")
            .unique("_id", keep="first", maintain_order=True)
        )
        by_email = (
            register.select(_emails(register).alias("_email"), pl.col("_position").alias("_p2"))
            .drop_nulls("_email")
            .unique("_email", keep="first", maintain_order=True)
        )
        ends = register.select(
            pl.col("_position"), _days(register, "relationship_end").alias("_end")
        )
        orders = (
            orders.with_columns(_id=_ids(orders), _email=_emails(orders))
            .join(by_id, on="_id", how="left", maintain_order="left")
            .join(by_email, on="_email", how="left", maintain_order="left")
            .with_columns(register_row=pl.coalesce("_position", "_p2"), **named)
            .drop("_id", "_email", "_position", "_p2")
            .join(
                ends.rename({"_position": "register_row"}),
                on="register_row",
                how="left",
                maintain_order="left",
            )
            .with_columns(
                relationship_end_at=pl.when(pl.col("register_row").is_null())
                .then(_days(orders, "created_at").dt.offset_by(f"{guest_years}y"))
                .otherwise(pl.col("_end")),
                unneeded_contact_fields=_names_filled(orders, contacts),
            )
            .drop("_end")
        )
        out["orders"] = orders
    if "register" in frames:
        if orders is not None:
            status = _col(orders, "payment_status").str.strip_chars().str.to_lowercase()
            per_customer = (
                orders.filter(pl.col("register_row").is_not_null())
                .group_by("register_row")
                .agg(
                    _count=pl.len(),
                    _unpaid=(~status.is_in(paid).fill_null(False)).sum(),
                    _first=_days(orders, "created_at").min(),
                    _last=_days(orders, "created_at").max(),
                )
                .rename({"register_row": "_position"})
            )
        else:
            per_customer = pl.DataFrame(
                schema={
                    "_position": pl.UInt32,
                    "_count": pl.UInt32,
                    "_unpaid": pl.UInt32,
                    "_first": pl.Datetime("us"),
                    "_last": pl.Datetime("us"),
                }  # fmt: skip
            )
        dated = [_days(register, n) for n in ("registered_at", "relationship_start")]
        contact = _days(register, "last_contact_at")
        register = (
            register.join(per_customer, on="_position", how="left", maintain_order="left")
            .with_columns(_id=_ids(register), email_key=_emails(register))
            .with_columns(
                ids_sharing_email=pl.when(pl.col("email_key").is_not_null()).then(
                    pl.col("_id").drop_nulls().n_unique().over("email_key")
                ),
                consent_on_record=_col(register, "consent_given", pl.Boolean).fill_null(False),
                marketing_on_list=_col(register, "marketing_opt_in", pl.Boolean).fill_null(False),
                opted_out=_days(register, "marketing_opt_out_at").is_not_null()
                | _col(register, "unsubscribed", pl.Boolean).fill_null(False),
                debt_handed_over=_days(register, "debt_collection_at").is_not_null()
                | _col(register, "sent_to_debt_collection", pl.Boolean).fill_null(False),
                has_purchase=pl.col("_count").fill_null(0) > 0,
                unpaid_orders=pl.col("_unpaid").fill_null(0).cast(pl.Int64),
                first_collected_at=pl.min_horizontal(*dated, pl.col("_first")),
                last_activity_at=pl.max_horizontal(*dated, contact, pl.col("_last")),
                relationship_end_at=_days(register, "relationship_end"),
                unneeded_contact_fields=_names_filled(register, contacts),
            )
            .drop("_count", "_unpaid", "_first", "_last", "_id", "_position")
        )
        out["register"] = register
    return out


# -------------------------------------------------------------------------------------- rules
def _term_passed(column: str, as_of: date, years: int) -> pl.Expr:
    passes = pl.col(column).dt.truncate("1d").dt.offset_by(f"{years}y") + pl.duration(days=1)
    return (passes <= pl.lit(datetime.combine(as_of, datetime.min.time()))).fill_null(False)


def _on_or_before(column: str, as_of: date) -> pl.Expr:
    day = pl.col(column).dt.truncate("1d")
    return (day <= pl.lit(datetime.combine(as_of, datetime.min.time()))).fill_null(False)


def _condition(spec: dict | None) -> pl.Expr:
    if spec is None:
        return pl.lit(True)
    if spec["type"] == "and":
        out = pl.lit(True)
        for part in spec["conditions"]:
            out = out & _condition(part)
        return out
    column = pl.col(spec["column"]["name"])
    if spec["type"] == "nullity":
        return column.is_null() if spec["is_null"] else column.is_not_null()
    if spec["type"] == "comparison" and spec["operator"] == "==":
        return (column == spec["parameter"]).fill_null(False)
    raise OutOfScope(f"row condition {spec['type']}")


def _value(argument: object, parameters: dict) -> object:
    if isinstance(argument, dict) and "$PARAMETER" in argument:
        return parameters[argument["$PARAMETER"]]
    return argument


def _verdicts(frame: pl.DataFrame, column: str, judge) -> pl.Expr:
    """A verdict per distinct present value (the floor's own, :mod:`benchmarks.floor_detect`),
    joined back onto the column."""
    values = frame[column].drop_nulls().unique()
    if values.is_empty():
        return pl.lit(False)
    bad = values.filter(judge(values))
    return pl.col(column).is_in(bad.implode()).fill_null(False)


def _mask(exp: dict, frame: pl.DataFrame, parameters: dict) -> pl.Expr | None:
    """Per row: the expectation fails (``None`` when a column it reads is absent)."""
    kind, kw = exp["type"], {k: _value(v, parameters) for k, v in exp["kwargs"].items()}
    needed = [kw[k] for k in ("column", "column_A", "column_B") if k in kw]
    if any(c not in frame.columns for c in needed):
        return None
    where = _condition(exp["kwargs"].get("row_condition"))
    c = kw.get("column")
    as_of = parameters["as_of"]
    if kind == "expect_column_values_to_be_null":
        fails = pl.col(c).is_not_null()
    elif kind == "expect_column_values_to_be_in_set":
        fails = pl.col(c).is_not_null() & ~pl.col(c).is_in(kw["value_set"])
    elif kind == "expect_column_values_to_not_be_in_set":
        fails = pl.col(c).is_in(kw["value_set"]).fill_null(False)
    elif kind == "expect_column_values_to_be_between":
        fails = pl.lit(False)
        if kw.get("min_value") is not None:
            fails = fails | (pl.col(c) < kw["min_value"]).fill_null(False)
        if kw.get("max_value") is not None:
            fails = fails | (pl.col(c) > kw["max_value"]).fill_null(False)
    elif kind == "expect_column_pair_values_a_to_be_greater_than_b":
        a, b = pl.col(kw["column_A"]), pl.col(kw["column_B"])
        fails = ((a < b) if kw.get("or_equal") else (a <= b)).fill_null(False)
    elif kind == "expect_column_values_to_be_within_term":
        fails = _term_passed(c, as_of, kw["years"])
    elif kind == "expect_column_values_to_be_outside_accounting_hold":
        fails = _on_or_before(c, as_of) & ~_term_passed(c, as_of, kw["years"])
    elif kind == "expect_column_values_to_not_be_after_as_of":
        fails = pl.col(c).is_not_null() & ~_on_or_before(c, as_of)
    elif kind == "expect_column_values_to_be_valid_email":
        fails = _verdicts(frame, c, floor_detect.invalid_emails)
    elif kind == "expect_column_values_to_be_valid_phone":
        fails = _verdicts(frame, c, lambda s: floor_detect.invalid_phones(s, kw["region"]))
    else:
        raise OutOfScope(f"expectation {kind}")
    return where & fails


def _scanned(exp: dict, frame: pl.DataFrame, extra: list[str]) -> list[str]:
    columns = []
    for listed in exp["kwargs"]["column_list"]:
        columns += extra if listed == "extra_text" else [listed]
    return [c for c in columns if c in frame.columns]


def scan_text(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Every distinct text of ``columns`` that holds a personal code or a card number, with the
    labels: one prefilter pass over all the distinct text, each candidate classified once."""
    distinct = pl.concat([frame[c].drop_nulls().unique() for c in columns]).unique()
    return floor_detect.scan_labels(distinct.alias("text"))


def _scan(exp: dict, frame: pl.DataFrame, columns: list[str], found: pl.DataFrame) -> pl.DataFrame:
    """A multicolumn scan: per flagged row, the fields holding what the detector finds."""
    label = "code" if "personal_code" in exp["type"] else "card"
    hits = found.filter(pl.col(label).is_not_null()).select("text", label)
    template = exp["meta"]["detail"]
    parts = []
    for order, column in enumerate(columns):
        name = column.removeprefix("?")
        flagged = (
            frame.select("_row", pl.col(column).alias("text"))
            .join(hits, on="text", how="inner")
            .select("_row", _order=pl.lit(order), field=pl.lit(name), label=pl.col(label))
        )
        if flagged.height:
            parts.append(flagged)
    if not parts:
        return pl.DataFrame(schema={"_row": pl.UInt32, "field": pl.String, "detail": pl.String})
    labels = pl.concat(parts)
    details = {
        (f, v): template.format(field=f, format=v)
        for f, v in labels.select("field", "label").unique().iter_rows()
    }
    detail = pl.struct("field", "label").map_elements(
        lambda r: details[(r["field"], r["label"])], return_dtype=pl.String
    )
    return (
        labels.with_columns(detail=detail)
        .sort("_row", "_order")
        .group_by("_row", maintain_order=True)
        .agg(pl.col("field").str.join(";"), pl.col("detail").str.join("; "))
    )


def rules(procedure: Procedure, frames: dict, columns: list[dict], as_of: date) -> pl.DataFrame:
    """One row per record × expectation that fails, in suite order (``_seq``)."""
    parameters = {**procedure.parameters, "as_of": as_of}
    record_ids = {k: procedure.catalogue["kinds"][k]["record_id"] for k in KINDS}
    parts, seq = [], 0
    for kind in KINDS:
        if kind not in frames:
            continue
        frame = frames[kind].with_row_index("_row")
        extra = [c for c in frame.columns if c.startswith("?")]
        record_id = record_ids[kind]
        found: dict[tuple, pl.DataFrame] = {}
        for exp in procedure.suites[kind]["expectations"]:
            seq += 1
            meta = exp["meta"]
            if exp["type"].startswith("expect_multicolumn"):
                columns_scanned = _scanned(exp, frame, extra)
                key = tuple(columns_scanned)
                if key not in found:  # one scan of the text serves both detectors
                    found[key] = scan_text(frame, columns_scanned)
                hits = _scan(exp, frame, columns_scanned, found[key])
                hits = hits.join(frame, on="_row", how="inner")
                picked = hits.select("source_file", "source_row", record_id, "field", "detail")
            else:
                mask = _mask(exp, frame, parameters)
                if mask is None:
                    continue
                picked = frame.filter(mask)
                if picked.is_empty():
                    continue
                if "field_from" in meta:
                    field = pl.col(meta["field_from"])
                else:
                    field = pl.lit(meta.get("field") or exp["kwargs"]["column"])
                picked = picked.select("source_file", "source_row", record_id, field.alias("field"))
                head, _, tail = meta["detail"].partition("{field}")
                if "{field}" in meta["detail"]:
                    detail = pl.concat_str(
                        pl.lit(head), pl.col("field").str.replace_all(";", ", ", literal=True),
                        pl.lit(tail),
                    )  # fmt: skip
                else:
                    detail = pl.lit(meta["detail"])
                picked = picked.with_columns(detail=detail)
            if picked.is_empty():
                continue
            parts.append(
                picked.rename({record_id: "record_id"}).with_columns(
                    record_id=pl.col("record_id").cast(pl.String),
                    rule_id=pl.lit(meta["rule_id"]),
                    procedure_section=pl.lit(meta["procedure_section"]),
                    severity=pl.lit(meta["severity"]),
                    action=pl.lit(meta["action"]),
                    _seq=pl.lit(seq),
                )
            )
    for exp in procedure.suites["columns"]["expectations"]:
        seq += 1
        meta = exp["meta"]
        unknown = [c for c in columns if c["unclassified"] and c["holds_values"]]
        if exp["type"] != "expect_column_values_to_not_be_in_set" or not unknown:
            continue
        parts.append(
            pl.DataFrame(
                {
                    "source_file": [c["source_file"] for c in unknown],
                    "source_row": pl.Series([c["source_row"] for c in unknown], dtype=pl.Int64),
                    "record_id": pl.Series([None] * len(unknown), dtype=pl.String),
                    "field": [c["heading"] for c in unknown],
                    "detail": meta["detail"],
                }
            ).with_columns(
                rule_id=pl.lit(meta["rule_id"]),
                procedure_section=pl.lit(meta["procedure_section"]),
                severity=pl.lit(meta["severity"]),
                action=pl.lit(meta["action"]),
                _seq=pl.lit(seq),
            )
        )
    columns_out = [*FINDINGS_COLUMNS, "_seq"]
    return pl.concat([p.select(columns_out) for p in parts], how="vertical_relaxed")


def merge(raw: pl.DataFrame) -> pl.DataFrame:
    """One row per record × rule; fields and details of its expectations joined, in suite order.

    A record × rule is one integer (file, row, rule: a file's row is one record), in the output's
    order; only the keys that more than one expectation found are grouped."""
    files = sorted(raw["source_file"].unique().to_list())
    rule_ids = sorted(raw["rule_id"].unique().to_list())
    file = pl.col("source_file").replace_strict(files, range(len(files)), return_dtype=pl.Int64)
    rule = pl.col("rule_id").replace_strict(rule_ids, range(len(rule_ids)), return_dtype=pl.Int64)
    code = file * (1 << 40) + pl.col("source_row").cast(pl.Int64) * 256 + rule
    raw = raw.with_columns(_key=code)
    shared = raw["_key"].is_duplicated()
    single = raw.filter(~shared).with_columns(pl.col("field", "detail").fill_null(""))
    merged = (
        raw.filter(shared)
        .sort("_seq", maintain_order=True)
        .group_by("_key", maintain_order=True)
        .agg(
            pl.col("source_file", "source_row", "record_id", "rule_id").first(),
            pl.col("procedure_section", "severity", "action").first(),
            pl.col("field").filter(pl.col("field") != "").unique(maintain_order=True).str.join(";"),
            pl.col("detail")
            .filter(pl.col("detail") != "")
            .unique(maintain_order=True)
            .str.join("; "),
        )
    )
    columns = ["_key", *FINDINGS_COLUMNS]
    both = pl.concat([single.select(columns), merged.select(columns)], how="vertical_relaxed")
    return both.sort("_key").select(FINDINGS_COLUMNS)


def write(findings: pl.DataFrame, path: Path) -> None:
    """``findings.csv``: text that a spreadsheet could take for a formula gets an apostrophe."""
    neutral = findings.with_columns(
        pl.when(pl.any_horizontal(pl.col(c).str.starts_with(s) for s in FORMULA_STARTS))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in FINDINGS_COLUMNS
        if c != "source_row"
    )
    # the floor keeps no audit history: as in the audit's first run, every finding is new
    neutral = neutral.with_columns(status=pl.lit("new"))
    neutral.write_csv(path, line_terminator="\n", quote_style="necessary")


# ---------------------------------------------------------------------------------------- run
def run_floor(data: Path, out: Path, as_of: date = AS_OF) -> dict:
    """The floor over the inputs in ``data``, its findings written to ``out``: per-stage seconds
    and peak RSS (MB) so far after each stage."""
    stages: dict[str, float] = {}
    memory: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        stages[stage] = round(now - clock, 3)
        memory[stage] = round(peak_rss_mb(), 1)
        clock = now

    procedure = Procedure()
    frames, columns = load(procedure, Path(data))
    lap("load")
    frames = facts(procedure, frames)
    lap("facts")
    raw = rules(procedure, frames, columns, as_of)
    lap("rules")
    findings = merge(raw)
    lap("merge")
    write(findings, Path(out))
    lap("write")
    return {
        "stages": stages,
        "total": round(sum(stages.values()), 3),
        "findings": findings.height,
        "memory": memory,
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.floor", description=__doc__)
    parser.add_argument("data", type=Path, help="folder holding the orders export and register")
    parser.add_argument("--out", type=Path, default=Path("findings.csv"))
    parser.add_argument("--as-of", type=date.fromisoformat, default=AS_OF)
    args = parser.parse_args(argv)
    print(json.dumps(run_floor(args.data, args.out, args.as_of)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The audit policy: the procedure's terms as data (``data/policy.toml``).

No number of the procedure's terms is written in code or notebooks; the suites receive them as
suite parameters, with the audit date.

>>> policy = load_policy()
>>> policy.retention_years, policy.inactivity_years, policy.guest_relationship_years
(5, 3, 2)
>>> sorted(policy.suite_parameters("2026-11-01"))
['as_of', 'inactivity_years', 'phone_region', 'retention_years']
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import date
from importlib import resources
from pathlib import Path

import phonenumbers

from zimes_audit.errors import PolicyError, PolicyNotFound
from zimes_audit.procedure.catalogue import load_catalogue
from zimes_audit.procedure.rules import load_rules

DEFAULT_POLICY = "policy.toml"
SHIPPED_SOURCE = f"zimes_audit/procedure/data/{DEFAULT_POLICY}"  # how the shipped policy is named


@dataclass(frozen=True)
class Policy:
    retention_years: int
    inactivity_years: int
    guest_relationship_years: int  # how long a guest order's relationship lasts after the order
    contact_fields_not_needed: tuple[str, ...]
    phone_region: str
    due_days: dict[str, int]
    source: str
    sha256: str
    bulk_job_threshold: int = 1000  # a job with more records is decided on its job row
    bulk_job_examples: int = 20  # … and lists only this many records on the Flagged sheet
    exception_days: int | None = None  # an accepted exception lapses after this many days

    def terms(self) -> dict[str, object]:
        """Every term of the policy by name (all its fields but where it came from): what the
        manifest records and the review lists.

        >>> terms = load_policy().terms()
        >>> terms["guest_relationship_years"], terms["due_days"]["DELETE"], "sha256" in terms
        (2, 30, False)
        """
        terms = {f.name: getattr(self, f.name) for f in dataclass_fields(self)}
        terms.pop("source"), terms.pop("sha256")
        terms["contact_fields_not_needed"] = list(self.contact_fields_not_needed)
        terms["due_days"] = dict(self.due_days)
        return terms

    def suite_parameters(self, as_of: date | str) -> dict[str, object]:
        """The values the suites' ``$PARAMETER`` references resolve to."""
        return {
            "as_of": str(as_of),
            "retention_years": self.retention_years,
            "inactivity_years": self.inactivity_years,
            "phone_region": self.phone_region,
        }


def _require(raw: dict, path: str, kind: type, source: str):
    node: object = raw
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            raise PolicyError(source, problem="missing", setting=path)
        node = node[key]
    if not isinstance(node, kind) or isinstance(node, bool) and kind is not bool:
        raise PolicyError(source, problem="wrong_type", setting=path, expected=kind.__name__)
    return node


def parse_policy(data: bytes | str, source: str) -> Policy:
    """The policy in ``data`` (the file's bytes; text is taken as its UTF-8); ``sha256`` is of
    the bytes, as ``zimes-audit review`` re-hashes the file (Windows line endings and a BOM
    included)."""
    data = data.encode("utf-8") if isinstance(data, str) else data
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PolicyError(source, problem="not_utf8") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        raise PolicyError(source, problem="not_toml") from None
    retention = _require(raw, "terms.retention_years", int, source)
    inactivity = _require(raw, "terms.inactivity_years", int, source)
    guest = _require(raw, "terms.guest_relationship_years", int, source)
    if retention < 0 or inactivity < 0 or guest < 0:
        raise PolicyError(source, problem="negative_terms")
    fields = _require(raw, "accounting.contact_fields_not_needed", list, source)
    unknown = [f for f in fields if str(f) not in load_catalogue().fields]
    if unknown:
        raise PolicyError(source, problem="unknown_field", name=unknown[0])
    due = _require(raw, "due_days", dict, source)
    for action in load_rules().actions:
        days = due.get(action)
        if not isinstance(days, int) or isinstance(days, bool) or days < 0:
            raise PolicyError(source, problem="due_days", action=action)
    region = _require(raw, "phones.default_region", str, source)
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise PolicyError(source, problem="region")
    sheet = raw.get("workbook", {})
    threshold = sheet.get("bulk_job_threshold", Policy.bulk_job_threshold)
    examples = sheet.get("bulk_job_examples", Policy.bulk_job_examples)
    lapse = raw.get("exceptions", {}).get("valid_days")
    for name, value in (("workbook.bulk_job_threshold", threshold),
                        ("workbook.bulk_job_examples", examples)):  # fmt: skip
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise PolicyError(source, problem="above_zero", name=name)
    if lapse is not None and (not isinstance(lapse, int) or isinstance(lapse, bool) or lapse < 1):
        raise PolicyError(source, problem="above_zero", name="exceptions.valid_days")
    return Policy(
        bulk_job_threshold=threshold,
        bulk_job_examples=examples,
        exception_days=lapse,
        retention_years=retention,
        inactivity_years=inactivity,
        guest_relationship_years=guest,
        contact_fields_not_needed=tuple(str(f) for f in fields),
        phone_region=region,
        due_days=dict(due),
        source=source,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def load_policy(path: str | Path | None = None) -> Policy:
    """The policy at ``path``, or the one shipped with the package."""
    if path is None:
        data = resources.files("zimes_audit.procedure.data").joinpath(DEFAULT_POLICY).read_bytes()
        return parse_policy(data, SHIPPED_SOURCE)
    if not Path(path).is_file():
        raise PolicyNotFound(path)
    try:
        data = Path(path).read_bytes()
    except OSError:
        raise PolicyError(path, problem="not_utf8") from None
    return parse_policy(data, str(Path(path).resolve()))

"""What the procedure says about processing each §6 category: purposes (§4), legal bases (§3),
term (§10) and recipients (§4.2, §8) — as data (``data/processing.toml``).

The access file a data subject receives reads its columns from here; nothing of it is written in
code.

>>> p = load_processing()
>>> p.purposes_of("6.2", "email", "en")
'providing services: accounting, contracts (§4.1); communication with customers (§4.3)'
>>> p.bases_of("6.1", "name", "lv")
'līgumsaistības, grāmatvedība, klienta identifikācija (3.2.); likumā noteikto pienākumu veikšana (3.3.)'
>>> p.term_of("6.1", "name"), p.term_of("operational", "marketing_opt_in"), p.term_of("not-permitted", "personal_code")
('retention', 'marketing', 'none')
>>> p.term_text("retention", "en", years=5)
'until the relationship ends and 5 years after (§10.1.1, §3.3)'
>>> p.category_name("6.2", "lv"), p.category_name("not-permitted", "en")
('kontaktinformācija (6.2.)', 'not permitted by the procedure (§6)')
>>> p.request_section("erasure"), p.due_months
('GDPR 17', 1)
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Recipient:
    """Who receives a person's data: ``kinds`` of records, only ``when`` one of the fields holds
    a value on the person's register rows (empty: always), only ``categories`` (empty: all)."""

    name: str
    text: dict[str, str]
    kinds: tuple[str, ...]
    when: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class Processing:
    raw: dict

    def _category(self, category: str) -> dict:
        return self.raw["categories"].get(category, self.raw["categories"]["unclassified"])

    def _is_marketing(self, field: str | None) -> bool:
        return field in self.raw["marketing"]["fields"]

    def _texts(self, group: str, ids: list[str], language: str) -> str:
        return "; ".join(self.raw[group][i][language] for i in ids)

    def category_name(self, category: str, language: str) -> str:
        """The §6 category as the procedure words it."""
        return self._category(category)[language]

    def purposes_of(self, category: str, field: str | None, language: str) -> str:
        """The §4 purposes of a field of ``category`` (marketing fields: §10.1.2)."""
        ids = ["10.1.2"] if self._is_marketing(field) else self._category(category)["purposes"]
        return self._texts("purposes", ids, language)

    def bases_of(self, category: str, field: str | None, language: str) -> str:
        """The §3 legal bases of a field of ``category`` (marketing fields: consent)."""
        marketing = self.raw["marketing"]["bases"]
        ids = marketing if self._is_marketing(field) else self._category(category)["bases"]
        return self._texts("bases", ids, language)

    def term_of(self, category: str, field: str | None) -> str:
        """``retention``, ``marketing`` or ``none`` (see ``data/processing.toml``)."""
        return "marketing" if self._is_marketing(field) else self._category(category)["term"]

    def term_text(self, term: str, language: str, *, years: int) -> str:
        return self.raw["terms"][term][language].format(years=years)

    @property
    def recipients(self) -> list[Recipient]:
        return [
            Recipient(
                name,
                {k: spec[k] for k in ("lv", "en")},
                tuple(spec["kinds"]),
                tuple(spec.get("when", ())),
                tuple(spec.get("categories", ())),
            )
            for name, spec in self.raw["recipients"].items()
        ]

    @property
    def due_months(self) -> int:
        return int(self.raw["requests"]["due_months"])

    @property
    def request_types(self) -> tuple[str, ...]:
        return tuple(k for k, v in self.raw["requests"].items() if isinstance(v, dict))

    def request_section(self, request: str) -> str:
        return self.raw["requests"][request]["section"]


@cache
def load_processing() -> Processing:
    """The processing table shipped with the package."""
    text = (
        resources.files("zimes_audit.procedure.data").joinpath("processing.toml").read_text("utf-8")
    )
    return Processing(tomllib.loads(text))

"""The one registry of the columns the audit derives (:mod:`zimes_audit.facts.derived`).

Each fact has a name, the dtype :mod:`~zimes_audit.facts.derived` gives it, and whether it holds a
personal value (then: the field it is masked as).  Masking (:mod:`zimes_audit.views.masking`)
derives its safe and personal fact columns from here and the field catalogue, and a test checks
that the derived frames carry exactly these dtypes.

>>> FACTS["email_key"].masked_as
'email'
>>> "consent_on_record" in SAFE_FACTS, "email_key" in SAFE_FACTS
(True, False)
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fact:
    name: str
    dtype: str  # a pandas dtype name; "datetime64" at whatever unit the inputs were read in
    masked_as: str | None = (
        None  # the catalogue field it is masked as; None: holds no personal value
    )

    @property
    def personal(self) -> bool:
        return self.masked_as is not None


_FACTS = (
    Fact("register_row", "Int64"),
    Fact("link_method", "string"),
    Fact("relationship_end_at", "datetime64"),
    Fact("customer_in_register", "string"),  # yes, no, deleted (facts.derived)
    Fact("local_unpermitted_filled", "string"),
    Fact("extra_text", "string", masked_as="notes"),
    Fact("unneeded_contact_fields", "string"),
    Fact("email_key", "string", masked_as="email"),
    Fact("ids_sharing_email", "Int64"),
    Fact("consent_on_record", "bool"),
    Fact("marketing_on_list", "bool"),
    Fact("opted_out", "bool"),
    Fact("debt_handed_over", "bool"),
    Fact("has_purchase", "bool"),
    Fact("unpaid_orders", "int64"),
    Fact("first_collected_at", "datetime64"),
    Fact("last_activity_at", "datetime64"),
    Fact("request_left", "string"),  # facts.requests: what a data subject's request left
    Fact("request_action", "string"),
    Fact("request_due", "datetime64"),
)
FACTS: dict[str, Fact] = {f.name: f for f in _FACTS}
#: Derived columns that hold no personal value (field names, dates, flags, counts, keys).
SAFE_FACTS = frozenset(f.name for f in _FACTS if not f.personal)
#: Derived columns that hold a personal value → the catalogue field they are masked as.
PERSONAL_FACTS = {f.name: f.masked_as for f in _FACTS if f.personal}

"""Until when each of a person's records is kept (§10.1.1 read with §3.3 and the policy's terms).

The person's relationship ends on the latest end date of their register rows; while one of them
has none, it has not ended.  A person the register does not know bought as a guest: each order's
relationship ends the policy's ``guest_relationship_years`` after the order.  A record is kept the
policy's ``retention_years`` after that end (the accounting hold), then deleted — the same
arithmetic as the audit's (:mod:`zimes_audit.procedure.terms`).

>>> import pandas as pd
>>> from zimes_audit.procedure.policy import load_policy
>>> policy = load_policy()
>>> hold = Hold.of([pd.Timestamp("2024-03-01")], policy)
>>> hold.until("register", None), hold.until("orders", pd.Timestamp("2023-05-02"))
(datetime.date(2029, 3, 1), datetime.date(2029, 3, 1))
>>> guest = Hold.of([], policy)
>>> guest.until("orders", pd.Timestamp("2023-05-02 10:00"))
datetime.date(2030, 5, 2)
>>> Hold.of([pd.Timestamp("2024-03-01"), pd.NaT], policy).until("register", None) is None
True
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from zimes_audit.procedure.policy import Policy
from zimes_audit.procedure.terms import years_after


def _after(day: object, years: int) -> date | None:
    if day is None or pd.isna(day):
        return None
    return years_after(pd.Series([pd.Timestamp(day)]), years).iloc[0].date()


@dataclass(frozen=True)
class Hold:
    """The person's relationship end (``known``: the register has them; ``end`` ``None`` while
    it lasts) and the policy's terms."""

    known: bool
    end: pd.Timestamp | None
    policy: Policy

    @classmethod
    def of(cls, register_ends: list, policy: Policy) -> Hold:
        """From the relationship end dates of the person's register rows (none: a guest)."""
        ends = pd.Series(register_ends, dtype="datetime64[ns]")
        ended = len(ends) and not ends.isna().any()
        return cls(bool(len(ends)), ends.max() if ended else None, policy)

    def until(self, kind: str, created_at: object) -> date | None:
        """The last day a record of ``kind`` (an order: placed ``created_at``) is kept."""
        years = self.policy.retention_years
        if self.known:
            return _after(self.end, years)
        if kind == "orders":
            return _after(created_at, self.policy.guest_relationship_years + years)
        return None

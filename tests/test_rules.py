"""Every rule of the catalogue, record by record, with passing and failing cases (docs/rules.md).

Each test builds a small register and orders export in memory, runs the real suites through GX and
looks at the findings of the records it planted.  The audit date is pinned.  The cases at the
pinned date and the shipped policy are declared beside their test (:func:`case`) and audited
together, once (fixture ``audited``): each case's records have ids and e-mail addresses of their
own there, and a test sees only its case's findings, under the ids it gave.  A case that needs
a table of its own (a column, a duplicate id, the whole audit's findings) or another policy runs
its own audit.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from types import SimpleNamespace

import pytest
from conftest import AS_OF, make_table

from zimes_audit.audit import audit
from zimes_audit.procedure.catalogue import load_catalogue
from zimes_audit.procedure.policy import load_policy


def customer(cid: str, **changes) -> dict:
    """A clean, active customer: consent on the day of registration, recent activity."""
    row = {
        "customer_id": cid,
        "name": "Kārlis Kalniņš",
        "email": f"{cid.lower()}@inbox.lv",
        "phone": "+371 22345678",
        "address": "Brīvības iela 12-5, Rīga",
        "relationship_start": "2024-03-01",
        "registered_at": "2024-03-01",
        "consent_given": True,
        "consent_at": "2024-03-01",
        "consent_notice_version": "v2",
        "marketing_opt_in": False,
        "last_contact_at": "2026-09-01",
        "bank_account": "LV80HABA0551012345678",
        "notes": "Zvanīt pirms piegādes",
    }
    row.update(changes)
    return row


def order(oid: str, cid: str | None, **changes) -> dict:
    row = {
        "order_id": oid,
        "created_at": "2026-06-01 10:15:00",
        "payment_status": "paid",
        "customer_id": cid,
        "name": "Kārlis Kalniņš",
        "email": f"{cid.lower()}@inbox.lv" if cid else "viesis@inbox.lv",
        "phone": "+371 22345678",
        "address": "Brīvības iela 12-5",
        "notes": "Lūdzu piegādāt pēc 17:00",
        "total": 24.2,
    }
    row.update(changes)
    return row


def run(register: list[dict], orders: list[dict], as_of: date = AS_OF, policy=None):
    tables = [make_table("register", register, "register.xlsx")]
    if orders:
        tables.append(make_table("orders", orders, "orders.csv"))
    return audit(tables=tables, as_of=as_of, policy=policy)


def flagged(result, record_id: str) -> set[str]:
    f = result.findings
    return set(f.loc[f["record_id"] == record_id, "rule_id"])


def finding(result, record_id: str, rule_id: str) -> dict:
    f = result.findings
    rows = f[(f["record_id"] == record_id) & (f["rule_id"] == rule_id)]
    assert len(rows) == 1, f"expected one {rule_id} finding for {record_id}, got {len(rows)}"
    return rows.iloc[0].to_dict()


# ----------------------------------------------------------------- one audit for many cases
#: The cases audited together (:func:`case`), in the order declared.
CASES: list[tuple[list[dict], list[dict]]] = []


def case(register: list[dict], orders: list[dict] | tuple = ()) -> int:
    """A register and an orders export for the module's shared audit (at the pinned audit date,
    with the shipped policy); returns the case's number for :func:`audited`."""
    CASES.append((register, list(orders)))
    return len(CASES) - 1


def _own(record: dict, number: int) -> dict:
    """``record`` with ids and e-mail address of case ``number``'s own (``K-1`` → ``K-1~3``,
    ``k-1@inbox.lv`` → ``k-1~3@inbox.lv``): no record of one case meets another's."""
    mark = f"~{number}"
    own = dict(record)
    for key in ("customer_id", "order_id"):
        if own.get(key):
            own[key] += mark
    email = own.get("email")
    if isinstance(email, str) and "@" in email:
        own["email"] = email.replace("@", f"{mark}@", 1)
    return own


def together(cases: list[tuple[list[dict], list[dict]]]):
    """One audit of every case, each on records of its own."""
    register = [_own(r, n) for n, (records, _) in enumerate(cases) for r in records]
    orders = [_own(o, n) for n, (_, records) in enumerate(cases) for o in records]
    return run(register, orders)


def of_case(result, number: int) -> SimpleNamespace:
    """The findings of case ``number``'s records in :func:`together`'s audit, under the ids the
    case gave them (the findings a test of the case reads)."""
    f = result.findings
    owner = f["record_id"].str.rpartition("~")
    mine = f[owner[1].eq("~") & owner[2].eq(str(number))].copy()
    mine["record_id"] = owner.loc[mine.index, 0]
    return SimpleNamespace(findings=mine)


@pytest.fixture(scope="module")
def audited():
    """``audited(case)``: that case's findings in the module's one audit of every case."""
    result = together(CASES)
    ids = result.findings["record_id"].dropna().astype(str)
    # every finding belongs to a case: a "no finding" test cannot pass by an id left unmarked
    assert ids[ids != ""].str.contains("~", regex=False).all()
    return lambda number: of_case(result, number)


def test_a_clean_customer_and_order_raise_nothing():
    result = run([customer("K-1")], [order("M-1-26", "K-1")])
    assert result.findings.empty
    assert result.expectations_run == sum(s.expectations for s in result.suites.values())


class TestFieldUnpermitted:
    def test_personal_code_column_is_flagged_per_record_an_unknown_heading_per_column(self):
        result = run(
            [
                customer("K-1"),
                customer("K-2", **{"unclassified:Mīļākā krāsa": "zila"}),
                customer("K-3", **{"unclassified:Mīļākā krāsa": "p.k. 161175-19997"}),
            ],
            [order("M-1-26", "K-1", personal_code="161175-19997"), order("M-2-26", "K-1")],
        )
        f = finding(result, "M-1-26", "FIELD-UNPERMITTED")
        assert (f["field"], f["action"], f["procedure_section"]) == (
            "personal_code",
            "REDACT_FIELD",
            "6, 8",
        )
        assert "161175" not in f["detail"]
        assert flagged(result, "K-2") == set()  # the unknown column: no per-record finding
        [column] = result.findings[result.findings["rule_id"] == "FIELD-UNCLASSIFIED"].to_dict(
            "records"
        )
        assert (column["record_id"], column["source_file"], column["source_row"]) == (
            "",
            "register.xlsx",
            1,
        )
        assert (column["field"], column["action"]) == ("Mīļākā krāsa", "CLASSIFY_FIELD")
        code = finding(result, "K-3", "PERSONAL-CODE-IN-TEXT")  # still scanned like free text
        assert code["field"] == "Mīļākā krāsa" and "161175" not in code["detail"]
        assert flagged(result, "M-2-26") == set()
        assert flagged(result, "K-1") == set()


CODES_IN_NOTES = {
    notes: case([customer("K-1", notes=notes)])
    for notes in ("p.k. 161175-19997", "16117519997", "328673-00679", "mans pk 371234-56789")
}
SOLE_TRADER = case(
    [customer("K-1")],
    [
        order("M-1-26", "K-1", company_id="161175-19997"),
        order("M-2-26", "K-1", company_id="40203002519", vat_id="LV40203002519"),
    ],
)
LOOK_ALIKES = {
    notes: case([customer("K-1", notes=notes or None)])
    for notes in (
        "Zvanīt 37122345678",
        "Konts LV80HABA0551012345678",
        "Pasūtījums M-2475405-25",
        "161375-19997",
        "€",
        "",
    )
}


class TestPersonalCodeInText:
    @pytest.mark.parametrize(
        ("notes", "fmt"),
        [
            ("p.k. 161175-19997", "old format"),
            ("16117519997", "old format"),
            ("328673-00679", "new format"),
            ("mans pk 371234-56789", "new format"),
        ],
    )
    def test_codes_in_notes(self, audited, notes, fmt):
        result = audited(CODES_IN_NOTES[notes])
        assert (
            finding(result, "K-1", "PERSONAL-CODE-IN-TEXT")["detail"]
            == f"personal code ({fmt}) in notes"
        )

    def test_sole_trader_company_id_is_a_personal_code_but_a_company_number_is_not(self, audited):
        result = audited(SOLE_TRADER)
        assert finding(result, "M-1-26", "PERSONAL-CODE-IN-TEXT")["field"] == "company_id"
        assert flagged(result, "M-2-26") == set()

    @pytest.mark.parametrize("notes", list(LOOK_ALIKES))
    def test_look_alikes_pass(self, audited, notes):
        assert flagged(audited(LOOK_ALIKES[notes]), "K-1") == set()


CARDS = case(
    [
        customer("K-1", notes="karte 4111 1111 1111 1111"),
        customer("K-2", notes="maksāt uz LV80 HABA 0551 0123 4567 8"),
    ]
)


class TestCardNumberInText:
    def test_card_numbers_are_flagged_and_ibans_are_not(self, audited):
        result = audited(CARDS)
        f = finding(result, "K-1", "CARD-NUMBER-IN-TEXT")
        assert (f["field"], f["action"]) == ("notes", "REDACT_FIELD")
        assert "4111" not in f["detail"]
        assert flagged(result, "K-2") == set()


NO_CONSENT_BOUGHT = case(
    [customer("K-1", consent_given=False, consent_at=None)], [order("M-1-26", "K-1")]
)
NO_CONSENT = case([customer("K-1", consent_given=None, consent_at=None)])
_LATE = {"relationship_start": "2026-06-01", "registered_at": "2026-06-01"}
CONSENT_LATE = case(
    [
        customer("K-1", consent_at="2026-06-02", **_LATE),
        customer("K-2", consent_at="2026-06-01", **_LATE),
    ],
    [order("M-1-26", "K-1"), order("M-2-26", "K-2")],
)


class TestConsent:
    def test_missing_consent_with_a_purchase_asks_for_consent(self, audited):
        result = audited(NO_CONSENT_BOUGHT)
        assert finding(result, "K-1", "CONSENT-MISSING")["action"] == "OBTAIN_CONSENT"

    def test_missing_consent_without_a_purchase_means_delete(self, audited):
        result = audited(NO_CONSENT)
        f = finding(result, "K-1", "CONSENT-MISSING")
        assert (f["action"], f["procedure_section"]) == ("DELETE", "3.1, 11")

    def test_consent_dated_after_the_first_order(self, audited):
        result = audited(CONSENT_LATE)
        assert finding(result, "K-1", "CONSENT-AFTER-COLLECTION")["action"] == "REVIEW"
        assert "CONSENT-AFTER-COLLECTION" not in flagged(result, "K-2")


MARKETING = case(
    [
        customer("K-1", marketing_opt_in=True, marketing_opt_out_at="2025-01-10"),
        customer("K-2", marketing_opt_in=True, consent_given=False, consent_at=None),
        customer("K-3", marketing_opt_in=True),
    ]
)
MARKETING_BOUGHT = case(
    [customer("K-1", marketing_opt_in=True, consent_given=False, consent_at=None)],
    [order("M-1-26", "K-1")],
)


class TestMarketing:
    def test_notices_after_opt_out_and_without_basis(self, audited):
        result = audited(MARKETING)
        assert finding(result, "K-1", "MARKETING-WITHOUT-BASIS")["action"] == "STOP_MARKETING"
        assert "MARKETING-WITHOUT-BASIS" in flagged(result, "K-2")
        assert flagged(result, "K-3") == set()

    def test_a_purchase_is_a_basis(self, audited):
        result = audited(MARKETING_BOUGHT)
        assert "MARKETING-WITHOUT-BASIS" not in flagged(result, "K-1")


HOLD_ENDS = {
    end: case(
        [
            customer(
                "K-1",
                relationship_end=end,
                relationship_start="2019-01-01",
                registered_at="2019-01-01",
                consent_at="2019-01-01",
                last_contact_at="2021-01-01",
            )
        ],
        [order("M-1-21", "K-1", created_at="2020-05-05 12:00:00")],
    )
    for end in ("2021-11-01", "2021-10-31")
}
GUEST_ORDERS = case(
    [customer("K-1")],
    [
        order("M-9-19", None, created_at="2019-10-31 09:00:00"),  # ended 2021-10-31
        order("M-8-19", None, created_at="2019-11-01 09:00:00"),  # ended 2021-11-01
        order("M-7-24", None, created_at="2024-11-01 09:00:00"),  # ends on the audit date
        order("M-6-24", None, created_at="2024-11-02 09:00:00"),  # ends tomorrow
        order("M-5-26", None, created_at="2026-10-05 09:00:00"),  # last month
    ],
)
_RECENT_GUEST = [order("M-5-26", None, created_at="2026-10-05 09:00:00")]
RECENT_GUEST = case([customer("K-1")], _RECENT_GUEST)


class TestRetention:
    @pytest.mark.parametrize(("end", "expired"), [("2021-11-01", False), ("2021-10-31", True)])
    def test_boundary_of_the_five_year_hold(self, audited, end, expired):
        result = audited(HOLD_ENDS[end])
        assert ("RETENTION-EXPIRED" in flagged(result, "K-1")) is expired
        assert ("RETENTION-EXPIRED" in flagged(result, "M-1-21")) is expired
        assert ("CONTACT-AFTER-END" in flagged(result, "K-1")) is not expired

    def test_a_guest_order_ends_the_guest_term_after_its_date(self, audited):
        """A buyer the register does not know: the relationship lasts the policy's guest term
        (2 years, the consumer's claims period) after the order; the hold runs from there."""
        result = audited(GUEST_ORDERS)
        assert finding(result, "M-9-19", "RETENTION-EXPIRED")["action"] == "DELETE"
        assert flagged(result, "M-8-19") == {"CONTACT-AFTER-END"}
        assert flagged(result, "M-7-24") == {"CONTACT-AFTER-END"}
        assert flagged(result, "M-6-24") == set()
        assert flagged(result, "M-5-26") == set()

    def test_the_guest_term_comes_from_the_policy(self, audited):
        assert flagged(audited(RECENT_GUEST), "M-5-26") == set()
        at_once = replace(load_policy(), guest_relationship_years=0)
        assert flagged(run([customer("K-1")], _RECENT_GUEST, policy=at_once), "M-5-26") == {
            "CONTACT-AFTER-END"
        }


CONTACT_KEPT = case(
    [
        customer("K-1", relationship_end="2025-02-01"),
        customer("K-2", relationship_end="2025-02-01", email=None, phone=None),
        customer("K-3", relationship_end="2026-12-31"),
    ]
)


class TestContactAfterEnd:
    def test_ended_relationship_keeps_email_and_phone(self, audited):
        result = audited(CONTACT_KEPT)
        f = finding(result, "K-1", "CONTACT-AFTER-END")
        assert (f["field"], f["action"]) == ("email;phone", "REDACT_FIELD")
        assert flagged(result, "K-2") == set()
        assert "CONTACT-AFTER-END" not in flagged(result, "K-3")


_SINCE_2020 = {
    "relationship_start": "2020-01-01",
    "registered_at": "2020-01-01",
    "consent_at": "2020-01-01",
}
LAST_CONTACTS = {
    last: case([customer("K-1", last_contact_at=last, **_SINCE_2020)])
    for last in ("2023-11-01", "2023-10-31")
}
KEPT_ALIVE = case(
    [customer("K-1", last_contact_at="2021-01-01", **_SINCE_2020)], [order("M-1-26", "K-1")]
)


class TestStale:
    @pytest.mark.parametrize(("last", "stale"), [("2023-11-01", False), ("2023-10-31", True)])
    def test_boundary_of_the_inactivity_term(self, audited, last, stale):
        result = audited(LAST_CONTACTS[last])
        assert ("RELATIONSHIP-STALE" in flagged(result, "K-1")) is stale

    def test_a_recent_order_keeps_the_relationship_alive(self, audited):
        result = audited(KEPT_ALIVE)
        assert flagged(result, "K-1") == set()


DEBT = case(
    [
        customer("K-1", debt_collection_at="2026-07-01"),
        customer("K-2", debt_collection_at="2026-07-01"),
    ],
    [order("M-1-26", "K-1"), order("M-2-26", "K-2", payment_status="pending")],
)


class TestDebtTransfer:
    def test_debt_collection_of_a_customer_who_paid(self, audited):
        result = audited(DEBT)
        assert finding(result, "K-1", "DEBT-TRANSFER-UNPAID-ONLY")["procedure_section"] == "4.2"
        assert flagged(result, "K-2") == set()


INACCURATE = case(
    [
        customer("K-1", email="k-1@@inbox"),
        customer("K-2", phone="+371 1234"),
        customer("K-3", relationship_end="2024-01-01"),
        customer("K-4", last_contact_at="2026-11-02"),
        customer("K-5", email="dup@inbox.lv"),
        customer("K-6", email=" DUP@inbox.lv"),
    ],
    [order("M-1-26", "K-4", created_at="2026-11-01 23:59:00")],
)


class TestDataInaccurate:
    def test_each_form(self, audited):
        result = audited(INACCURATE)
        assert finding(result, "K-1", "DATA-INACCURATE")["detail"] == "invalid e-mail address"
        assert (
            finding(result, "K-2", "DATA-INACCURATE")["detail"] == "invalid phone number in phone"
        )
        assert (
            finding(result, "K-3", "DATA-INACCURATE")["detail"]
            == "relationship start after its end"
        )
        assert (
            finding(result, "K-4", "DATA-INACCURATE")["detail"]
            == "date in the future in last_contact_at"
        )
        assert "DATA-INACCURATE" in flagged(result, "K-5") and "DATA-INACCURATE" in flagged(
            result, "K-6"
        )
        assert flagged(result, "M-1-26") == set()


_ENDED_2020 = [
    customer(
        "K-1",
        relationship_start="2018-01-01",
        registered_at="2018-01-01",
        consent_at="2018-01-01",
        relationship_end="2020-06-01",
    )
]
ENDED_2020 = case(_ENDED_2020)


def test_changing_a_term_in_the_policy_changes_the_findings(audited):
    register = _ENDED_2020
    five = audited(ENDED_2020)
    assert "RETENTION-EXPIRED" in flagged(five, "K-1")
    seven = run(register, [], policy=replace(load_policy(), retention_years=7))
    assert flagged(seven, "K-1") == {"CONTACT-AFTER-END"}
    no_contact_rule = run(
        register, [], policy=replace(load_policy(), retention_years=7, contact_fields_not_needed=())
    )
    assert flagged(no_contact_rule, "K-1") == set()


def test_due_dates_follow_the_policy_grace_days(audited):
    result = audited(NO_CONSENT)
    f = finding(result, "K-1", "CONSENT-MISSING")
    assert f["due_date"] == date(2026, 12, 1)  # DELETE: 30 days
    shorter = run(
        [customer("K-1", consent_given=None, consent_at=None)],
        [],
        policy=replace(load_policy(), due_days={**load_policy().due_days, "DELETE": 7}),
    )
    assert finding(shorter, "K-1", "CONSENT-MISSING")["due_date"] == date(2026, 11, 8)


JUNK = [None, "", "€", float("nan"), "\x00", "—" * 500, "0" * 40]


def _junk_case(junk) -> int:
    text_fields = {f: junk for f in load_catalogue().scanned}  # e-mail and phone among them
    return case([customer("K-1", **text_fields)], [order("M-1-26", "K-1", **text_fields)])


JUNK_CASES = [_junk_case(junk) for junk in JUNK]


@pytest.mark.parametrize(("junk", "number"), zip(JUNK, JUNK_CASES, strict=True))
def test_junk_in_every_text_field_crashes_no_rule(audited, junk, number):
    assert {"email", "phone", "notes", "address"} <= set(load_catalogue().scanned)
    result = audited(number)
    rules = flagged(result, "K-1") | flagged(result, "M-1-26")
    assert rules <= {"DATA-INACCURATE"}
    present = isinstance(junk, str) and junk != ""
    assert ("DATA-INACCURATE" in flagged(result, "K-1")) is present


ANY_FIELD = case(
    [customer("K-1", phone="161175-19997"), customer("K-2", bank_account="4111111111111111")]
)


def test_codes_and_cards_are_found_in_any_field_not_just_free_text(audited):
    result = audited(ANY_FIELD)
    assert finding(result, "K-1", "PERSONAL-CODE-IN-TEXT")["field"] == "phone"
    assert finding(result, "K-2", "CARD-NUMBER-IN-TEXT")["field"] == "bank_account"


def test_the_same_customer_id_twice_is_not_one_person_under_several_ids():
    assert run([customer("K-1"), customer("K-1")], []).findings.empty
    result = run([customer("K-1"), customer("K-1"), customer("K-2", email="k-1@inbox.lv")], [])
    assert flagged(result, "K-2") == {"DATA-INACCURATE"}
    f = result.findings
    assert set(f.loc[f["record_id"] == "K-1", "source_row"]) == {2, 3}  # both K-1 rows share it too

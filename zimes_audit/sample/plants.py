"""Order-level plants: the violations and look-alikes put into single orders.

Each plant returns the fields it overrides, the rule it is meant to break (``None`` for a
look-alike, which must produce no finding) and a short description that lands in
``ground_truth.json`` as ``planted``.  The rules are those of docs/rules.md: personal codes in
free text (§6), card numbers (§6), the §8 ``Personas kods`` checkout column, invalid contacts
and future dates (§12.4).

>>> import random
>>> fields, rule, what = ORDER_PLANTS["code_notes_old_hyphen"](random.Random(1), None)
>>> rule, what
('PERSONAL-CODE-IN-TEXT', 'old-format code with hyphen in notes')
>>> ORDER_LOOKALIKES["la_iban_spaced"](random.Random(1), None)[1] is None
True
"""

from __future__ import annotations

import random
from collections.abc import Callable

from zimes_audit.sample import identifiers as ids
from zimes_audit.sample.pools import COMPANIES, SURNAMES

PC, CARD, FU, DI = (
    "PERSONAL-CODE-IN-TEXT",
    "CARD-NUMBER-IN-TEXT",
    "FIELD-UNPERMITTED",
    "DATA-INACCURATE",
)

Plant = Callable[[random.Random, object], tuple[dict[str, str], str | None, str]]
ORDER_PLANTS: dict[str, Plant] = {}
ORDER_LOOKALIKES: dict[str, Plant] = {}


def _plant(table: dict[str, Plant]):
    def register(fn: Plant) -> Plant:
        table[fn.__name__.lstrip("_")] = fn
        return fn

    return register


# ------------------------------------------------------------------ §8 checkout column
@_plant(ORDER_PLANTS)
def pk_column_old(rng, c):
    return {"personal_code": ids.old_personal_code(rng)}, FU, "Personas kods column filled (old)"


@_plant(ORDER_PLANTS)
def pk_column_new(rng, c):
    code = ids.new_personal_code(rng, hyphen=rng.random() < 0.5)
    return {"personal_code": code}, FU, "Personas kods column filled (new 32…)"


# ------------------------------------------------------------------ personal codes in text
@_plant(ORDER_PLANTS)
def code_notes_old_hyphen(rng, c):
    note = f"Rēķinu uz vārdu, {ids.old_personal_code(rng)}"
    return {"notes": note}, PC, "old-format code with hyphen in notes"


@_plant(ORDER_PLANTS)
def code_notes_old_plain(rng, c):
    note = f"Garantijai: {ids.old_personal_code(rng, hyphen=False)}"
    return {"notes": note}, PC, "old-format code without hyphen in notes"


@_plant(ORDER_PLANTS)
def code_notes_new32_hyphen(rng, c):
    note = f"Saņēmējs {ids.new_personal_code(rng)}, lūdzu pārbaudīt"
    return {"notes": note}, PC, "new-format 32… code with hyphen in notes"


@_plant(ORDER_PLANTS)
def code_notes_new32_plain(rng, c):
    note = f"Dokumentiem, pers. k. {ids.new_personal_code(rng, hyphen=False)}"
    return {"notes": note}, PC, "new-format 32… code without hyphen after 'pers. k.' in notes"


@_plant(ORDER_PLANTS)
def code_notes_en_dash(rng, c):
    code = ids.old_personal_code(rng).replace("-", "\u2013")
    return {"notes": f"Rēķinā norādīt {code}"}, PC, "old-format code with an en dash in notes"


@_plant(ORDER_PLANTS)
def code_notes_p_slash_k(rng, c):
    code = ids.new_personal_code(rng).replace("-", " ")
    return {"notes": f"p/k {code}"}, PC, "new-format code with a space after 'p/k' in notes"


@_plant(ORDER_PLANTS)
def code_notes_3x_hyphen(rng, c):
    code = ids.new_personal_code(rng, prefix=f"3{rng.randint(3, 9)}")
    return {"notes": f"Izsniegt tikai man, {code}"}, PC, "new-format 33–39 code with hyphen"


@_plant(ORDER_PLANTS)
def code_notes_pk_context(rng, c):
    code = ids.new_personal_code(rng, hyphen=False, prefix=f"3{rng.randint(3, 9)}")
    return {"notes": f"Mans p.k. {code}"}, PC, "new-format 33–39 code after 'p.k.' in notes"


@_plant(ORDER_PLANTS)
def code_notes_personas_kods(rng, c):
    note = f"Personas kods: {ids.old_personal_code(rng)} (prasīja forma)"
    return {"notes": note}, PC, "old-format code after 'Personas kods' in notes"


@_plant(ORDER_PLANTS)
def code_address(rng, c):
    address = f"{c.street}, p.k. {ids.old_personal_code(rng)}"
    return {"address": address}, PC, "old-format code typed into address"


@_plant(ORDER_PLANTS)
def code_sole_trader(rng, c):
    surname = rng.choice(SURNAMES)[0]
    fields = {
        "company": f"IK \u201e{surname} un partneri\u201d",
        "company_id": ids.old_personal_code(rng, hyphen=False),
    }
    return fields, PC, "sole trader's company_id is an old-format personal code"


@_plant(ORDER_PLANTS)
def code_sole_trader_vat(rng, c):
    code = ids.new_personal_code(rng, hyphen=False)
    fields = {"company": "IK \u201eRokdarbi\u201d", "company_id": code, "vat_id": "LV" + code}
    return fields, PC, "sole trader's company_id and VAT id are a new-format 32… code"


# ------------------------------------------------------------------ card numbers
@_plant(ORDER_PLANTS)
def card_plain16(rng, c):
    return {"notes": f"Karte {ids.card_number(rng)}"}, CARD, "16-digit card number in notes"


@_plant(ORDER_PLANTS)
def card_spaces(rng, c):
    num = ids.card_number(rng)
    note = "Maksāšu ar " + " ".join(num[i : i + 4] for i in range(0, 16, 4))
    return {"notes": note}, CARD, "card number 4-4-4-4 with spaces in notes"


@_plant(ORDER_PLANTS)
def card_hyphens(rng, c):
    num = ids.card_number(rng)
    note = "Kartes nr. " + "-".join(num[i : i + 4] for i in range(0, 16, 4)) + ", der. 08/28"
    return {"notes": note}, CARD, "card number 4-4-4-4 with hyphens in notes"


@_plant(ORDER_PLANTS)
def card_amex(rng, c):
    note = f"Amex {ids.card_number(rng, 15)} lūdzu noņemt"
    return {"notes": note}, CARD, "15-digit Amex-like card number in notes"


@_plant(ORDER_PLANTS)
def card_diners(rng, c):
    note = f"Diners {ids.diners_number(rng)}"
    return {"notes": note}, CARD, "14-digit Diners card number printed 4-6-4 in notes"


# ------------------------------------------------------------------ §12.4 accuracy
@_plant(ORDER_PLANTS)
def bad_email(rng, c):
    local, _, domain = c.email.partition("@")
    wrong = rng.choice((f"{local}@{domain.replace('.', ',')}", f"{local}@@{domain}", local))
    return {"email": wrong}, DI, "order e-mail with bad syntax"


@_plant(ORDER_PLANTS)
def bad_phone(rng, c):
    wrong = rng.choice(("+371 2912345", "+371 1234 5678", "2912-345"))
    return {"phone": wrong}, DI, "order phone number not valid"


FUTURE = "future_date"  # handled by the generator: it moves the order date after as_of


# ------------------------------------------------------------------ look-alikes (no finding)
@_plant(ORDER_LOOKALIKES)
def la_company_number(rng, c):
    number = ids.company_number(rng)
    fields = {
        "company": f"SIA \u201e{rng.choice(COMPANIES)}\u201d",
        "company_id": number,
        "vat_id": "LV" + number,
        "notes": f"Rēķinu izrakstīt uzņēmumam, reģ. nr. {number}",
    }
    return fields, None, "company registration number in company_id, vat_id and notes"


@_plant(ORDER_LOOKALIKES)
def la_phone371(rng, c):
    phone = ids.lv_phone(rng, style=1)[1:]
    return {"notes": f"Kurjeram zvanīt {phone}"}, None, "371 + 8-digit phone without '+'"


@_plant(ORDER_LOOKALIKES)
def la_phone_after_pk(rng, c):
    phone = ids.lv_phone(rng, style=1)[1:]
    note = f"Nerakstīt p.k. rēķinā! Tālr. {phone}"
    return {"notes": note}, None, "'p.k.' in the note, but a phone cue right before the number"


@_plant(ORDER_LOOKALIKES)
def la_contract_number(rng, c):
    day = f"{rng.randint(15, 25)}{rng.randint(1, 12):02d}{rng.randint(10, 28)}"
    note = f"Līgums {day}-{rng.randint(10000, 99999)}"
    return {"notes": note}, None, "date-based contract number (YYMMDD-NNNNN)"


@_plant(ORDER_LOOKALIKES)
def la_barcode_in_notes(rng, c):
    note = f"Svītrkods {ids.luhn_ean13(rng)}, prece nav noliktavā"
    return {"notes": note}, None, "Luhn-valid EAN-13 barcode (475…) in notes"


@_plant(ORDER_LOOKALIKES)
def la_parcel_number(rng, c):
    note = f"DPD paka 0{rng.randint(0, 9)}{rng.randint(10**11, 10**12 - 1)}"
    return {"notes": note}, None, "14-digit DPD parcel number in notes"


@_plant(ORDER_LOOKALIKES)
def la_iban_lower(rng, c):
    note = f"atmaksa: {ids.lv_iban(rng, luhn=True, spaced=True).lower()}"
    return {"notes": note}, None, "lower-case spaced IBAN (account digits pass Luhn)"


@_plant(ORDER_LOOKALIKES)
def la_iban_spaced(rng, c):
    iban = ids.lv_iban(rng, luhn=True, spaced=True)
    note = f"Atmaksu lūdzu uz {iban}"
    return {"notes": note}, None, "IBAN with spaces (account digits pass Luhn)"


@_plant(ORDER_LOOKALIKES)
def la_iban_compact(rng, c):
    iban = ids.lv_iban(rng, luhn=True)
    return {"notes": f"Konts: {iban}"}, None, "IBAN without spaces (account digits pass Luhn)"


@_plant(ORDER_LOOKALIKES)
def la_order_number(rng, c):
    note = f"Papildinājums pasūtījumam M-{rng.randint(2000000, 2999999)}-{rng.randint(18, 25)}"
    return {"notes": note}, None, "order number in notes"


@_plant(ORDER_LOOKALIKES)
def la_invoice_number(rng, c):
    note = f"Apmaksāts ar rēķinu Nr. ZIM-{rng.randint(2019, 2026)}/{rng.randint(1, 99999):05d}"
    return {"notes": note}, None, "invoice number in notes"


@_plant(ORDER_LOOKALIKES)
def la_bad_checksum_code(rng, c):
    code = ids.old_personal_code(rng, valid=False)
    return (
        {"notes": f"Atsauce {code}"},
        None,
        "old-format code with invalid check digit, no context",
    )


@_plant(ORDER_LOOKALIKES)
def la_bad_check_32(rng, c):
    note = f"Sūtījums {ids.bad_check_32(rng)}"
    return {"notes": note}, None, "32… 11 digits, no hyphen and no context word"


@_plant(ORDER_LOOKALIKES)
def la_dates(rng, c):
    day, month = rng.randint(10, 28), rng.randint(1, 9)
    note = f"Piegādāt ne agrāk kā {day}.0{month}.2025 (vai 2025-0{month}-{day})"
    return {"notes": note}, None, "dates in notes"


@_plant(ORDER_LOOKALIKES)
def la_local_phone(rng, c):
    return {"phone": ids.lv_phone(rng, style=2)}, None, "phone without country code (region LV)"


EMAIL_LINK = "la_email_link"  # handled by the generator: no customer_id, e-mail case/spaces

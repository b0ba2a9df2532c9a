"""Assemble a synthetic sample: register customers, their Mozello orders, guest orders, and the
planted violations and look-alikes, then decide the ground truth (docs/rules.md).

Every rule of the catalogue is planted in several forms whatever the size; ``violation_rate``
tops the sample up with random violations until about that share of records (orders and
register rows) has a finding.  All randomness comes from one ``random.Random(seed)``.

>>> from datetime import date
>>> s = generate(60, 60, seed=1)
>>> len(s.orders), len(s.register)
(60, 60)
>>> generate(60, 60, seed=1).findings == s.findings
True
"""

from __future__ import annotations

import gc
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from zimes_audit.sample import identifiers as ids
from zimes_audit.sample import plants
from zimes_audit.sample.customers import (
    ARCHETYPES,
    DUPLICATE,
    START,
    Customer,
    clean_customer,
    person,
)
from zimes_audit.sample.pools import (
    CLEAN_NOTES,
    DISCOUNTS,
    PAYMENT_METHODS,
    PRODUCTS,
    SHIPPING,
    full_name,
)
from zimes_audit.sample.truth import Finding, Sheet, add_years, ground_truth, load_terms

ORDERS_FILE = "mozello-orders.csv"
REGISTER_FILE = "customer-register.xlsx"
ORDER_HEADINGS = (
    "order_id", "created_at", "payment_status", "dispatched", "archived", "customer_id", "name",
    "company", "vat_id", "company_id", "email", "phone", "country_name", "country_code",
    "address", "city", "province_code", "zip", "shipping_name", "shipping_address",
    "shipping_city", "shipping_zip", "shipping_country_code", "shipping_method", "notes",
    "payment_method", "currency", "subtotal", "shipping_price", "taxes", "total",
    "discount_code", "discount_amount", "product_name", "sku", "quantity", "product_price",
    "Personas kods",
)  # fmt: skip
# canonical field of each heading ("sku", "quantity" and "Personas kods" are catalogue synonyms)
ORDER_FIELDS = ORDER_HEADINGS[:-4] + ("product_sku", "product_quantity", "product_price",
                                      "personal_code")  # fmt: skip
REGISTER_HEADINGS = (
    "Klienta nr.", "Vārds, uzvārds", "E-pasts", "Tālrunis", "Adrese", "Attiecību sākums",
    "Attiecību beigas", "Reģistrēts", "Piekrišana", "Piekrišanas datums", "Paziņojuma versija",
    "Mārketinga piekrišana", "Atteikuma datums", "Konta numurs", "Nodots parādu piedziņai",
    "Pēdējā saziņa", "Piezīmes", "Dzimšanas datums",
)  # fmt: skip
DEFAULT_RATE = 0.22
# A guest order's relationship ends the policy's guest term (2 years) after the order; the
# accounting hold (5 years) runs from there (docs/rules.md).
GUESTS = {  # kind: (rule, planted), None for the look-alike
    "guest_old": ("RETENTION-EXPIRED", "unlinked order older than guest term + retention"),
    "guest_old_boundary": (
        "RETENTION-EXPIRED",
        "unlinked order guest term + retention + 1 day old",
    ),
    "guest_recent": ("CONTACT-AFTER-END", "unlinked order past the guest term with e-mail/phone"),
    "guest_boundary_5y": ("CONTACT-AFTER-END", "unlinked order exactly guest term + retention old"),
    "guest_email_only": ("CONTACT-AFTER-END", "unlinked order past the guest term, e-mail only"),
    "la_guest_redacted": None,
    "la_guest_in_term": None,
    "la_guest_term_boundary": None,
}
_TERMS = load_terms()
_POS = {name: i for i, name in enumerate(ORDER_FIELDS)}


@dataclass
class Sample:
    """The generated records and their ground truth."""

    as_of: date
    seed: int
    violation_rate: float
    order_headings: tuple[str, ...]
    orders: list[list[str]]
    register_headings: tuple[str, ...]
    register: list[list[object]]
    findings: list[Finding] = field(default_factory=list)
    lookalikes: list[tuple[str, int, str, str]] = field(default_factory=list)
    intents: dict[tuple[str, int], dict[str, str]] = field(default_factory=dict)


def generate(
    orders: int,
    customers: int,
    *,
    seed: int = 2026,
    as_of: date = date(2026, 11, 1),
    violation_rate: float | None = None,
) -> Sample:
    """Generate ``orders`` Mozello orders and ``customers`` register rows valid for ``as_of``."""
    was_enabled = gc.isenabled()
    gc.disable()  # millions of small lists: the cyclic collector would rescan them over and over
    try:
        return _generate(orders, customers, seed, as_of, violation_rate)
    finally:
        if was_enabled:
            gc.enable()


def _generate(orders, customers, seed, as_of, violation_rate) -> Sample:
    rng = random.Random(seed)
    rate = DEFAULT_RATE if violation_rate is None else violation_rate
    people = _customers(rng, customers, as_of, rate)
    guest_kinds = _guest_kinds(rng, orders, rate)
    specs = _allocate(rng, people, orders - len(guest_kinds), as_of)
    missing = orders - len(guest_kinds) - len(specs)  # no register customer buys anything
    guest_kinds += rng.choices(("guest_old", "guest_recent"), k=max(0, missing))
    for kind in guest_kinds:
        g = _guest(rng, len(people), kind, as_of)
        people.append(g)
        specs.append([g.start.toordinal(), 28800 + int(rng.random() * 57600), g.idx, ""])
    _plant_orders(rng, people, specs, orders, rate, as_of)
    specs.sort()
    sample = Sample(as_of, seed, rate, ORDER_HEADINGS, [], REGISTER_HEADINGS, [])
    _build_orders(rng, sample, people, specs, as_of)
    _plant_unknown_customers(sample, people[:customers])
    _build_register(rng, sample, people[:customers])
    sample.findings = ground_truth(
        Sheet(ORDERS_FILE, ORDER_HEADINGS, sample.orders, 2),
        Sheet(REGISTER_FILE, REGISTER_HEADINGS, sample.register, 4),
        as_of=as_of,
    )
    sample.findings = [
        Finding(f.source_file, f.source_row, f.rule_id, f.record_id, f.action, f.field,
                sample.intents.get((f.source_file, f.source_row), {}).get(f.rule_id, ""))
        for f in sample.findings
    ]  # fmt: skip
    return sample


def _customers(rng: random.Random, n: int, as_of: date, rate: float) -> list[Customer]:
    people = [clean_customer(rng, i + 1, as_of) for i in range(n)]
    violations = [a.name for a in ARCHETYPES.values() if a.violation]
    kinds = list(ARCHETYPES)
    extra = max(0, round(rate * n) - len(violations))
    kinds += [rng.choice(violations) for _ in range(extra)]
    slots = rng.sample(range(n), min(n, len(kinds)))
    for slot, kind in zip(slots, kinds, strict=False):
        people[slot].kind = kind
    for slot in slots:
        c = people[slot]
        ARCHETYPES[c.kind].apply(c, rng, as_of)
        if c.kind == DUPLICATE and len(slots) < n:
            twin = people[rng.randrange(n)]
            while twin.kind != "clean":
                twin = people[rng.randrange(n)]
            twin.kind = "duplicate_partner"
            twin.intents["DATA-INACCURATE"] = "e-mail shared with another customer id"
            c.email = twin.email.upper() if rng.random() < 0.5 else twin.email.title()
    return people


def _guest_kinds(rng: random.Random, n_orders: int, rate: float) -> list[str]:
    kinds = [k for k in GUESTS for _ in range(2)]
    extra = max(0, round(0.15 * rate * n_orders) - len(kinds))
    kinds += rng.choices(("guest_old", "guest_recent"), k=extra)
    return kinds[: max(0, n_orders // 4)] if n_orders < 4 * len(kinds) else kinds


def _guest(rng: random.Random, idx: int, kind: str, as_of: date) -> Customer:
    name, email, phone, street, city, zip_code = person(rng, idx, "g")
    term = add_years(as_of, -_TERMS.guest_years)  # ordered on or before: the relationship ended
    hold = add_years(term, -_TERMS.retention_years)
    day = {
        "guest_old": lambda: _rand_day(rng, START, hold - timedelta(2)),
        "guest_old_boundary": lambda: hold - timedelta(1),
        "guest_boundary_5y": lambda: hold,
        "la_guest_in_term": lambda: _rand_day(rng, term + timedelta(1), as_of),
        "la_guest_term_boundary": lambda: term + timedelta(1),
    }.get(kind, lambda: _rand_day(rng, hold + timedelta(1), term))()
    g = Customer(idx, "", name, email, phone, street, city, zip_code, day, guest=True, kind=kind)
    g.order_email, g.order_phone = email, phone
    if kind == "guest_email_only":
        g.order_phone = ""
    if kind == "la_guest_redacted":
        g.order_email = g.order_phone = ""
        g.lookalike = "unlinked order within the hold, contacts already cleared"
    elif kind == "la_guest_in_term":
        g.lookalike = "unlinked order within the guest term, contacts kept (claims period)"
    elif kind == "la_guest_term_boundary":
        g.lookalike = "unlinked order one day short of the guest term, contacts kept"
    elif GUESTS[kind]:
        g.order_intents[GUESTS[kind][0]] = GUESTS[kind][1]
    return g


def _rand_day(rng: random.Random, lo: date, hi: date) -> date:
    return date.fromordinal(rng.randint(lo.toordinal(), max(lo, hi).toordinal()))


def _allocate(rng: random.Random, people: list[Customer], n: int, as_of: date) -> list[list]:
    """Order specs ``[day ordinal, second of day, person index, plant]``.

    Planted customers get their orders first.  A customer's first order falls on the
    relationship start; the last one on ``hi`` (ended or stale customers) or, for an active
    customer, within the last two years; an active customer without a recent order gets a
    recent contact date instead, so that only planted customers are stale.
    """
    buyers = [c for c in people if c.wants_orders and c.kind != "clean"]
    buyers += [c for c in people if c.wants_orders and c.kind == "clean"]
    counts = [1 if i < n else 0 for i in range(len(buyers))]
    if n > len(buyers) and buyers:
        for i in rng.choices(range(len(buyers)), k=n - len(buyers)):
            counts[i] += 1
    specs = []
    aso = as_of.toordinal()
    for c, k in zip(buyers, counts, strict=True):
        lo = c.start.toordinal()
        if c.hi is not None:
            hi = c.hi.toordinal()
            days = [hi] + [lo] * (k > 1) + [rng.randint(lo, hi) for _ in range(k - 2)]
            if k <= 1 and c.end is None:  # stale: the only order is the last activity
                c.start = c.registered = c.consent_at = c.hi
            days = days[:k]
        else:
            last = rng.randint(max(lo, aso - 700), aso)
            days = [lo, last][:k] + [rng.randint(lo, last) for _ in range(k - 2)]
            recent = c.last_contact is not None and c.last_contact > as_of - timedelta(700)
            if (k < 2 and lo < aso - 700) and not recent:
                c.last_contact = _rand_day(rng, as_of - timedelta(500), as_of)
        for d in days:
            specs.append([d, 28800 + int(rng.random() * 57600), c.idx - 1, ""])
    return specs


def _plant_orders(rng, people, specs, n_orders, rate, as_of):
    """Put the order-level plants on orders of clean customers (and move future orders)."""
    pool = [s for s in specs if people[s[2]].kind == "clean" and not people[s[2]].guest]
    rng.shuffle(pool)
    inherited = sum(1 for s in specs if people[s[2]].order_intents)
    kinds = [k for k in (*plants.ORDER_PLANTS, plants.FUTURE) for _ in range(2)]
    extra = max(0, round(rate * n_orders) - inherited - len(kinds))
    names = list(plants.ORDER_PLANTS)
    groups = [name.split("_")[0] for name in names]  # pk, code, card, bad: one rule each
    weights = [1 / groups.count(g) for g in groups]
    kinds += rng.choices(names, weights=weights, k=extra)
    kinds += [k for k in (*plants.ORDER_LOOKALIKES, plants.EMAIL_LINK) for _ in range(2)]
    for spec, kind in zip(pool, kinds, strict=False):
        spec[3] = kind
        if kind == plants.FUTURE:
            spec[0] = as_of.toordinal() + rng.randint(1, 200)


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _build_orders(rng, sample: Sample, people, specs, as_of: date) -> None:
    """Turn the sorted specs into CSV rows (order ids follow the dates)."""
    iso: dict[int, str] = {}
    money = {c: _money(c) for c in range(0, 50000)}
    carts = []  # (product, sku, quantity, price, subtotal) precomputed per product × quantity
    for pname, sku, price in PRODUCTS:
        cents = round(float(price) * 100)
        for qty in (1, 1, 1, 2, 3):
            carts.append((pname, sku, str(qty), money[cents], cents * qty))
    ships = [(m, round(float(p) * 100)) for m, p in SHIPPING]
    discounts = [(code, int(pct)) for code, pct in DISCOUNTS]
    notes, methods = CLEAN_NOTES, PAYMENT_METHODS
    rows = sample.orders
    aso = as_of.toordinal()
    unpaid_done: set[int] = set()
    rand = rng.random
    for k, (day, secs, pi, plant) in enumerate(specs):
        c = people[pi]
        d = iso.get(day)
        if d is None:
            d = iso[day] = date.fromordinal(day).isoformat()
        status = "paid"
        if c.paid == "one_unpaid" and pi not in unpaid_done:
            status = "pending"
            unpaid_done.add(pi)
        elif c.paid == "random":
            r = rand()
            status = "paid" if r < 0.88 else ("pending" if r < 0.96 else "failed")
        pname, sku, qty, price, sub = carts[int(rand() * len(carts))]
        code, pct = discounts[int(rand() * len(discounts))]
        method, ship = ships[int(rand() * len(ships))]
        disc = sub * pct // 100
        total = sub - disc + ship
        name = c.name
        if rand() >= 0.85:
            name2 = full_name("mf"[int(rand() * 2)], int(rand() * 25), int(rand() * 32))
        else:
            name2 = name
        contacts = ("", "") if c.blank_contacts else (c.order_email, c.order_phone)
        row = [
            f"M-{1475405 + k}-{d[2:4]}", f"{d} {secs // 3600:02d}:{secs // 60 % 60:02d}:{secs % 60:02d}",
            status, "yes" if status == "paid" and day < aso - 3 else "no",
            "yes" if day < aso - 365 else "no", "" if c.guest or c.link == "email" else c.cid,
            name, *c.company, *contacts, "Latvia", "LV", c.street, c.city, "", c.zip,
            name2, c.street, c.city, c.zip, "LV", method, notes[int(rand() * len(notes))],
            methods[int(rand() * len(methods))], "EUR", money[sub], money[ship],
            money[round(total * 21 / 121)], money[total], code, money[disc], pname, sku,
            qty, price, "",
        ]  # fmt: skip
        src = k + 2
        if c.order_intents:
            sample.intents[(ORDERS_FILE, src)] = dict(c.order_intents)
        if c.lookalike and c.guest:
            sample.lookalikes.append((ORDERS_FILE, src, row[0], c.lookalike))
        if plant:
            _apply_plant(rng, sample, c, row, plant, src)
        rows.append(row)


def _apply_plant(rng, sample: Sample, c: Customer, row: list[str], plant: str, src: int) -> None:
    if plant == plants.FUTURE:
        sample.intents[(ORDERS_FILE, src)] = {"DATA-INACCURATE": "order dated after as_of"}
        return
    if plant == plants.EMAIL_LINK:
        row[_POS["customer_id"]] = ""
        row[_POS["email"]] = rng.choice((" ", "")) + c.email.upper() + rng.choice((" ", "  "))
        sample.lookalikes.append(
            (ORDERS_FILE, src, row[0], "order linked by e-mail only (other case, spaces)")
        )
        return
    fn = plants.ORDER_PLANTS.get(plant) or plants.ORDER_LOOKALIKES[plant]
    fields, rule, what = fn(rng, c)
    for name, value in fields.items():
        row[_POS[name]] = value
    if rule:
        sample.intents[(ORDERS_FILE, src)] = {rule: what}
    else:
        sample.lookalikes.append((ORDERS_FILE, src, row[0], what))


#: Two orders whose customer id no register row has (CUSTOMER-NOT-IN-REGISTER): the id typed
#: with the letter O for a zero, and an id of nobody.  Each still links by its e-mail.
UNKNOWN_IDS = (
    (lambda cid: cid.replace("0", "O", 1), "customer id typed with the letter O for a zero"),
    (lambda cid: "K-99" + cid[-3:], "customer id of no register row"),
)


def _plant_unknown_customers(sample: Sample, people: list[Customer]) -> None:
    """Give the last orders of clean register customers that link by id and by e-mail alike
    (and carry no plant) a customer id the register does not have (:data:`UNKNOWN_IDS`); no
    randomness, so the rest of the sample stays as it was."""
    email = {c.cid: c.email for c in people if c.kind == "clean"}
    i_cid, i_mail = _POS["customer_id"], _POS["email"]
    planted = {row for (_, row) in sample.intents} | {row for (_, row, *_) in sample.lookalikes}
    chosen = [
        k for k, row in enumerate(sample.orders)
        if row[i_cid] in email and row[i_mail] and row[i_mail] == email[row[i_cid]]
        and k + 2 not in planted
    ][-len(UNKNOWN_IDS):]  # fmt: skip
    for k, (retype, what) in zip(chosen, UNKNOWN_IDS, strict=False):
        row = sample.orders[k]
        row[i_cid] = retype(row[i_cid])
        sample.intents[(ORDERS_FILE, k + 2)] = {"CUSTOMER-NOT-IN-REGISTER": what}


def _build_register(rng, sample: Sample, people: list[Customer]) -> None:
    for r, c in enumerate(people):
        as_text = rng.random() < 0.35

        def cell(day: date | None, as_text=as_text) -> object:
            if day is None:
                return ""
            return day.strftime("%d.%m.%Y") if as_text else day

        sample.register.append([
            c.cid, c.name, c.email, c.phone, c.address, cell(c.start), cell(c.end),
            cell(c.registered), c.consent, cell(c.consent_at), c.version, c.marketing,
            cell(c.optout), c.bank, cell(c.debt), cell(c.last_contact), c.notes, c.birth,
        ])  # fmt: skip
        src = r + 4
        if c.intents:
            sample.intents[(REGISTER_FILE, src)] = dict(c.intents)
        if c.lookalike:
            sample.lookalikes.append((REGISTER_FILE, src, c.cid, c.lookalike))


__all__ = ["Sample", "generate", "ids"]

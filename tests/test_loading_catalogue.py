"""The field catalogue covers every Mozello order field and the Latvian headings people use."""

from __future__ import annotations

import pytest

from zimes_audit.procedure.catalogue import NOT_PERMITTED, load_catalogue

MOZELLO_ORDER_FIELDS = [
    "order_id", "created_at", "payment_status", "dispatched", "archived", "name", "company",
    "vat_id", "company_id", "email", "phone", "country_name", "country_code", "address", "city",
    "province_code", "zip", "shipping_name", "shipping_company", "shipping_phone",
    "shipping_address", "shipping_city", "shipping_province_code", "shipping_zip",
    "shipping_country_name", "shipping_country_code", "shipping_method", "notes",
    "payment_method", "currency", "subtotal", "shipping_price", "taxes", "total",
    "discount_code", "discount_amount", "product_name", "product_sku", "product_quantity",
    "product_price",
]  # fmt: skip

LATVIAN_HEADINGS = {
    "Pasūtījuma nr.": "order_id",
    "Datums": "created_at",
    "Vārds, uzvārds": "name",
    "E-pasts": "email",
    "Tālrunis": "phone",
    "Adrese": "address",
    "Personas kods": "personal_code",
    "Piezīmes": "notes",
    "Summa": "total",
}


@pytest.mark.parametrize("field", MOZELLO_ORDER_FIELDS)
def test_mozello_field_is_in_the_catalogue_under_its_own_name(field):
    found = load_catalogue().field_for(field)
    assert found is not None and found.name == field
    assert found.category != NOT_PERMITTED


@pytest.mark.parametrize(("heading", "field"), LATVIAN_HEADINGS.items())
def test_latvian_heading_maps_to_its_field(heading, field):
    catalogue = load_catalogue()
    assert catalogue.field_for(heading).name == field
    assert catalogue.field_for(f"  {heading.upper()}: ").name == field


def test_personal_code_is_not_permitted():
    assert load_catalogue().field_for("Personas kods").category == NOT_PERMITTED


def test_mozello_types_that_loaders_parse():
    fields = load_catalogue().fields
    assert fields["created_at"].type == "datetime"
    assert {fields[f].type for f in ("dispatched", "archived")} == {"bool"}
    assert {fields[f].type for f in ("subtotal", "shipping_price", "taxes", "total")} == {"number"}
    assert {fields[f].type for f in ("phone", "zip", "order_id", "company_id")} == {"code"}


# Headings as people write them (issue 11): Latvian client lists (hand-kept, Zalktis- and
# PayTraq-like), Mozello's Store API names and English spreadsheets.
HEADINGS_AS_WRITTEN = {
    "Nr.p.k.": "row_number",
    "Nr. p. k.": "row_number",
    "Klienta kods": "customer_id",
    "Vārds": "first_name",
    "Uzvārds": "last_name",
    "First name": "first_name",
    "Last name": "last_name",
    "Tālr.": "phone",
    "E-pasta adrese": "email",
    "Pers. kods": "personal_code",
    "P.k.": "personal_code",
    "Sadarbības sākums": "relationship_start",
    "Sadarbības beigas": "relationship_end",
    "Piekrišana (Jā/Nē)": "consent_given",
    "Piekrišana Jā/Nē": "consent_given",
    "Jaunumu vēstule": "marketing_opt_in",
    "Atteicās no jaunumiem": "unsubscribed",
    "Unsubscribed": "unsubscribed",
    "Nodots piedziņai": "sent_to_debt_collection",
    "Sent to debt collection": "sent_to_debt_collection",
    "Reģ. Nr.": "company_id",
    "REG.NR": "company_id",
    "PVN Nr.": "vat_id",
    "Summa, EUR": "total",
    "Summa (EUR)": "total",
    "Summa €": "total",
    "Sūtījuma numurs": "tracking_number",
    "Pakomāts": "pickup_point",
    "EAN": "product_barcode",
    "GTIN": "product_barcode",
    "Svītrkods": "product_barcode",
    "Maksājuma veids": "payment_method",
    "Dzimums": "gender",
    "Paziņojuma versija": "consent_notice_version",
    "Pēdējā saziņa": "last_contact_at",
    "Rēķina Nr.": "invoice_number",
    "shipping_price": "shipping_price",
}


@pytest.mark.parametrize(("heading", "field"), HEADINGS_AS_WRITTEN.items())
def test_headings_as_people_write_them(heading, field):
    catalogue = load_catalogue()
    assert catalogue.field_for(heading).name == field
    assert catalogue.field_for(f" {heading.upper()}: ").name == field


def test_gender_is_not_permitted_and_identifiers_are_not_scanned():
    fields = load_catalogue().fields
    assert fields["gender"].category == NOT_PERMITTED
    assert {fields[f].category for f in ("first_name", "last_name")} == {"6.1"}
    for name in ("product_sku", "product_barcode", "tracking_number", "invoice_number",
                 "order_id", "row_number"):  # fmt: skip
        assert not fields[name].scan, name
    assert fields["pickup_point"].scan and fields["notes"].scan


def test_a_bracketed_remark_does_not_override_a_whole_heading_the_catalogue_knows():
    catalogue = load_catalogue()
    # the whole heading is tried first: "(datums)" makes it the date field, not the yes/no one
    assert catalogue.field_for("Atteicās no jaunumiem (datums)").name == "marketing_opt_out_at"
    assert catalogue.field_for("Mīļākā krāsa (Jā/Nē)") is None

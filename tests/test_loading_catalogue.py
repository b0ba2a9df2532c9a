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

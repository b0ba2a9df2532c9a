"""The policy file: every term is data, and a broken policy is one clear error."""

from __future__ import annotations

import hashlib
from importlib import resources

import pytest

from zimes_audit.errors import PolicyError
from zimes_audit.procedure.policy import DEFAULT_POLICY, load_policy, parse_policy

SHIPPED = load_policy()


def _text() -> str:
    from importlib import resources

    return resources.files("zimes_audit.procedure.data").joinpath(DEFAULT_POLICY).read_text("utf-8")


def test_shipped_policy_terms():
    assert (SHIPPED.retention_years, SHIPPED.inactivity_years) == (5, 3)
    assert SHIPPED.contact_fields_not_needed == ("email", "phone", "shipping_phone")
    assert SHIPPED.suite_parameters("2026-11-01") == {
        "as_of": "2026-11-01",
        "retention_years": 5,
        "inactivity_years": 3,
        "phone_region": "LV",
    }
    shipped = resources.files("zimes_audit.procedure.data").joinpath("policy.toml").read_bytes()
    assert SHIPPED.sha256 == hashlib.sha256(shipped).hexdigest()


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("retention_years = 5", 'retention_years = "five"', "'terms.retention_years' must be int"),
        ("retention_years = 5", "retention_years = -1", "terms must not be negative"),
        ("FIX_DATA = 30", "", "'due_days.FIX_DATA' must be a whole number"),
        (
            '"shipping_phone"]',
            '"shiping_phone"]',
            "'shiping_phone' is not a field of the catalogue",
        ),
        ('default_region = "LV"', 'default_region = "Latvia"', "not a region code"),
        ("[terms]", "[terms", "not valid TOML"),
    ],
)
def test_a_broken_policy_names_the_problem(old, new, problem):
    assert old in _text()
    with pytest.raises(PolicyError) as raised:
        parse_policy(_text().replace(old, new), "my-policy.toml")
    assert problem in str(raised.value) and str(raised.value).startswith("my-policy.toml:")


def test_an_unreadable_policy_file(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_bytes(b"\xff\xfe\x00binary")
    with pytest.raises(PolicyError, match="cannot be read as UTF-8 text"):
        load_policy(path)

"""Helpers shared by the free-text detectors.

>>> strip_ibans("Konts LV80 HABA 0551 0123 4567 8, paldies")
'Konts , paldies'
"""

from __future__ import annotations

import re

# Latvian IBAN (21 characters: LV, 2 check digits, 4-letter bank code, 13 characters) and, more
# loosely, any IBAN-shaped token, written with or without groups of spaces.
_IBAN = re.compile(
    r"\bLV\d{2}(?: ?[A-Z]){4}(?: ?[A-Z0-9]){13}\b"  # Latvian, spaced or not
    r"|\b[A-Z]{2}\d{2}[A-Z0-9]{11,30}\b"  # any other, written without spaces
)


def strip_ibans(text: str) -> str:
    """Remove IBAN-shaped tokens so that their digits are not read as codes or card numbers."""
    return _IBAN.sub("", text)

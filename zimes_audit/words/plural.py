"""Number agreement: which form of a word a count takes, in Latvian and English.

Latvian (CLDR plural rules for ``lv``): a number ending in 1 — except one ending in 11 — takes
the singular (*1 klients*, *21 pasūtījums*, *101 rinda*); every other number takes the plural
(*0 klientu*, *2 klienti*, *11 pasūtījumi*, *111 rindas*).  CLDR names a third category, *zero*
(0, 10–20, 30 …), whose words take the same form as the plural, so two forms suffice.
English: 1 the singular, everything else the plural.

The labels (``data/labels.toml``) hold a counted text as a table of both forms,
``{ one = "…", other = "…" }``; :func:`form` picks the key.

>>> [n for n in (0, 1, 2, 10, 11, 12, 19, 20, 21, 31, 101, 111, 121, 1001, 1011) if form(n) == "one"]
[1, 21, 31, 101, 121, 1001]
>>> form(1, "en"), form(21, "en"), form(0, "en")
('one', 'other', 'other')
>>> choose({"one": "{count} klientu", "other": "{count} klientus"}, 21)
'{count} klientu'
>>> choose("{count} records", 3)
'{count} records'
"""

from __future__ import annotations

FORMS = ("one", "other")


def form(count: int, language: str = "lv") -> str:
    """``"one"`` (the singular) or ``"other"`` (the plural): the form ``count`` takes."""
    n = abs(int(count))
    if language == "lv":
        return "one" if n % 10 == 1 and n % 100 != 11 else "other"
    return "one" if n == 1 else "other"


def choose(text: str | dict, count: int, language: str = "lv") -> str:
    """The form of ``text`` (a plain text, or a table of both forms) that ``count`` takes."""
    if isinstance(text, str):
        return text
    return text[form(count, language)]

"""The words a decision's note must not repeat (zimes_audit.report.notes.known_words): found by
Arrow over slices of each column, read two at a time, they are every word of every value."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from conftest import setting
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.profiles import examples
from zimes_audit.report import notes

WORD = re.compile(r"[^\W\d_]{3,}")
VALUES = st.lists(
    st.one_of(
        st.none(),
        st.text(alphabet="aāBčēZž.-@ 1_–·'", max_size=24),
        st.sampled_from(["Līga Ozoliņa", "liga.ozolina@gmail.com", "+371 22345678"]),
    ),
    max_size=12,
)


@pytest.mark.parametrize("size", [1, 3, 1 << 18])
@settings(max_examples=examples(default=40, thorough=2000), deadline=None)
@given(names=VALUES, emails=VALUES)
def test_known_words_are_every_word_of_every_value_whatever_the_slices(size, names, emails):
    frames = {
        "orders": pd.DataFrame({"name": names}, dtype="str"),
        "register": pd.DataFrame({"email": emails, "notes": ["Aija"] * len(emails)}, dtype="str"),
    }
    expected = {
        word.casefold() for value in names + emails if value for word in WORD.findall(value)
    }
    with setting(notes, "SLICE", size):
        assert notes.known_words(frames) == expected


def test_words_found_in_their_own_thread_are_the_words_and_mask_a_note():
    frames = {"register": pd.DataFrame({"name": ["Jānis Bērziņš"], "email": ["jb@inbox.lv"]})}
    later = notes.known_words_later(frames)
    known = notes.KnownWords(later, b"k")
    assert notes.scrub_note("Jānis zvanīja no inbox", known) == "[…] zvanīja no […]"
    assert known.words == notes.known_words(frames) == {"jānis", "bērziņš", "inbox"}

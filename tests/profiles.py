"""Hypothesis profiles: a small one for ``make test``, a ``thorough`` one for ``make thorough``.

The profile is chosen by the environment variable ``HYPOTHESIS_PROFILE`` (``default`` when
unset); ``tests/conftest.py`` registers both.  A test whose issue asks for a count of generated
cases says so with :func:`examples`::

    @settings(max_examples=examples(default=20, thorough=200), deadline=None)
"""

from __future__ import annotations

import os

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE", "default") == "thorough"


def examples(default: int, thorough: int) -> int:
    """The number of generated cases for this run: ``thorough`` under ``make thorough``."""
    return thorough if THOROUGH else default

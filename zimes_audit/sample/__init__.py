"""Synthetic sample data for zimes-audit: Mozello orders, the customer register and the ground
truth of what the audit must find in them (docs/rules.md; procedure §6, §8, §10–§12).

All people, codes and accounts are invented, but every identifier is well formed: personal codes
and company numbers pass python-stdnum, phones pass phonenumbers, IBANs pass ``stdnum.iban``.
Violations of every rule are planted in several forms, next to look-alikes that must not be
flagged (company numbers, ``371…`` phones, IBANs, order and invoice numbers, boundary dates).

>>> from datetime import date
>>> sample = generate(40, 50, seed=7, as_of=date(2026, 11, 1))
>>> len(sample.orders), len(sample.register)
(40, 50)
>>> {f.rule_id for f in sample.findings} >= {"CONSENT-MISSING", "RETENTION-EXPIRED"}
True
"""

from zimes_audit.sample.generator import ORDERS_FILE, REGISTER_FILE, Sample, generate
from zimes_audit.sample.truth import Finding, ground_truth
from zimes_audit.sample.writer import TRUTH_FILE, SampleFiles, write_sample

__all__ = [
    "ORDERS_FILE",
    "REGISTER_FILE",
    "TRUTH_FILE",
    "Finding",
    "Sample",
    "SampleFiles",
    "generate",
    "ground_truth",
    "write_sample",
]

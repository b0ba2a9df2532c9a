"""Detectors: vectorised ``pd.Series -> bool mask`` functions over free text and contact fields.

Each module handles one kind of value and delegates the validation itself to a well-kept library
(python-stdnum, phonenumbers, email-validator).  The Great Expectations expectations in
:mod:`zimes_audit.checks.expectations` call these functions; so does nothing else, so a rule is
computed in exactly one place.
"""

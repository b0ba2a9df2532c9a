"""Detectors: vectorised ``pd.Series -> bool mask`` functions over free text and contact fields.

Each module handles one kind of value and delegates the validation itself to a well-kept library
(python-stdnum, phonenumbers, email-validator).  The Great Expectations expectations in
:mod:`zimes_audit.checks.expectations` call these functions, and the loader samples every column
with them (:mod:`zimes_audit.loading.evidence`: a column of personal codes is not permitted
whatever its heading); nothing else does, so a detector is written in exactly one place.
"""

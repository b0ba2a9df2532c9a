"""zimes-audit: audit SIA "ZĪMES"'s personal data against its processing procedure.

Importing the package is cheap on purpose: ``zimes-audit --help`` and ``--version`` must not pull
in pandas or Great Expectations.  The library API lives in :mod:`zimes_audit.audit`.
"""

__version__ = "0.1.0"

"""Data-subject requests: find everything held about one person, answer their request (access,
erasure, correction, objection) and record it for every later run to audit (GDPR Art. 12(3), 15,
17, 21; procedure §10.1.2, §12.4).  The command is ``zimes-audit subject``
(:mod:`zimes_audit.subject.answer`); docs/rules.md, "Answering a data subject", says how each
part reads the data."""

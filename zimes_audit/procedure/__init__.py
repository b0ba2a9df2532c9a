"""The procedure, encoded once as data: the field catalogue, the rule catalogue, the policy terms.

Stage 0 of the pipeline.  Everything the other stages know about §3–§12 of the company's
procedure (``docs/procedure/``) is read from the TOML files in ``procedure/data/`` through the
modules here; nothing below this package imports the rest of ``zimes_audit``.
"""

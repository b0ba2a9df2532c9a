"""Stage 5: what people look at — masked tables, charts, the inventory, the procedure's gaps.

Views read an audit's results or a report folder; they never decide a finding and never show an
unmasked personal value (the administrator's workbook, in ``report/``, is the one place that does).
"""

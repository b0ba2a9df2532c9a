"""Stage 3: the checks — suite declarations, the GX runner, detectors, expectations, findings.

``suites`` declares each rule's expectations; ``runner`` validates the fact frames with Great
Expectations; ``findings`` turns the failures into one row per record × rule; ``reference`` is
the plain-pandas evaluator of the same suite JSON (the benchmark's yardstick and a cross-check);
``detect`` holds the vectorised detectors, ``expectations`` the thin GX declarations over them.
"""

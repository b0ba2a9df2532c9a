"""Stage 2: facts the rules read that no single column holds (linking, purchases, activity)."""

from zimes_audit.facts.derived import order_facts, register_facts

__all__ = ["order_facts", "register_facts"]

"""The word catalogue (``labels.toml``)."""

"""Assembly app: the Flask web shell (built in its own issue)."""

"""Blueprints, one per area: auth (staff and members), assemblies (roster), audit (the log)."""

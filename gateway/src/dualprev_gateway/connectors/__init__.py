"""Event connectors shipped with the gateway distribution (plugins of the ``dualprev_sdk`` entry-point group)."""

"""The plugin-author test kit: fixtures and a conformance suite for equipment-class plugins."""

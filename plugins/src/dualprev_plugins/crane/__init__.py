"""Equipment-class plugin: crane (placeholder until implemented)."""

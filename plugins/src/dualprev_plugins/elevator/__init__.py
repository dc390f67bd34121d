"""Equipment-class plugin: elevator (placeholder until implemented)."""

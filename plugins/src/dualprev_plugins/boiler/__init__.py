"""Equipment-class plugin: boiler (placeholder until implemented)."""

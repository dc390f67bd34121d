"""Equipment-class plugin: passenger_ropeway (placeholder until implemented)."""

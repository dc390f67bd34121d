"""Equipment-class plugin: pressure_piping (placeholder until implemented)."""

"""Equipment-class plugin: pressure_vessel (placeholder until implemented)."""

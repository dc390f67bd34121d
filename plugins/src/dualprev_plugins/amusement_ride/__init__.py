"""Equipment-class plugin: amusement_ride (placeholder until implemented)."""

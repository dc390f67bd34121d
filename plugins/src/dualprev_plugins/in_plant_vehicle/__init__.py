"""Equipment-class plugin: in_plant_vehicle (placeholder until implemented)."""

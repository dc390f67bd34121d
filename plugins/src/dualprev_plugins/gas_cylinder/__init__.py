"""Equipment-class plugin: gas_cylinder (placeholder until implemented)."""

"""Domain models: attrs classes and pure rules. Nothing here knows about storage, wire formats or plugins."""

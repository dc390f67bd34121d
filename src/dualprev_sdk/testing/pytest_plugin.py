"""pytest plugin (entry point ``pytest11``) shipping the dualprev fixtures to plugin authors."""

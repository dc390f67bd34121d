"""Built-in equipment-class plugins for dualprev-sdk, one subpackage per class."""

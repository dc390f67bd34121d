"""The demo: a seeded synthetic Henan city run through the whole dual prevention cycle (``dualprev demo``)."""

from dualprev_sdk.demo.city import City, generate_city, write_ledger
from dualprev_sdk.demo.cycle import STEPS, DemoProgress, DemoResult, StepOutcome, run_demo
from dualprev_sdk.demo.manifest import Manifest, ManifestEntry

__all__ = [
    "STEPS",
    "City",
    "DemoProgress",
    "DemoResult",
    "Manifest",
    "ManifestEntry",
    "StepOutcome",
    "generate_city",
    "run_demo",
    "write_ledger",
]

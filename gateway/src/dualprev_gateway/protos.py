"""The shipped wire contract: ``.proto`` files inside the wheel, for generating clients in other languages.

    protoc -I "$(python -c 'import dualprev_gateway.protos as p; print(p.proto_root())')" ... dualprev/v1/*.proto
"""

from __future__ import annotations

from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path

__all__ = ["proto_files", "proto_root"]


def _root() -> Traversable:
    return files("dualprev_gateway._generated").joinpath("proto")


def proto_files() -> list[str]:
    """Import paths of the shipped protos, e.g. ``dualprev/v1/ledger.proto``."""
    package = _root().joinpath("dualprev").joinpath("v1")
    return sorted(f"dualprev/v1/{p.name}" for p in package.iterdir() if p.name.endswith(".proto"))


def proto_root() -> Path:
    """A filesystem directory to pass to ``protoc -I`` (the package directory for ordinary installs)."""
    with as_file(_root()) as path:
        return Path(path)

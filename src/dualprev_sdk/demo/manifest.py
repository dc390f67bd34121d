"""The demo's manifest: every file written, with its kind and the unit or equipment it belongs to.

``DIR/manifest.json`` is what a reader (or the integration test) walks to find the reports without guessing
file names; each entry records its size and SHA-256 so a later run can be compared file by file.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import attrs

__all__ = ["Manifest", "ManifestEntry"]


@attrs.frozen(kw_only=True)
class ManifestEntry:
    path: str  # relative to the output directory, forward slashes
    kind: str  # "control_list_xlsx", "risk_map_svg", …
    unit_uscc: str | None = None
    equipment_id: str | None = None
    bytes: int = 0
    sha256: str = ""


@attrs.define
class Manifest:
    """Collects entries while the demo writes; :meth:`write` stores ``manifest.json`` in ``root``."""

    root: Path
    entries: list[ManifestEntry] = attrs.field(factory=list)

    def add(self, path: Path, kind: str, *, unit_uscc: str | None = None, equipment_id: str | None = None) -> Path:
        """Record a file the demo has just written (it must exist)."""
        data = path.read_bytes()
        self.entries.append(
            ManifestEntry(
                path=path.resolve().relative_to(self.root.resolve()).as_posix(),
                kind=kind,
                unit_uscc=unit_uscc,
                equipment_id=equipment_id,
                bytes=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
            )
        )
        return path

    def kinds(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for entry in self.entries:
            out[entry.kind] = out.get(entry.kind, 0) + 1
        return dict(sorted(out.items()))

    def write(self, extra: dict[str, Any] | None = None) -> Path:
        path = self.root / "manifest.json"
        document = {
            **(extra or {}),
            "files": [attrs.asdict(e) for e in self.entries],
            "kinds": self.kinds(),
        }
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
        return path

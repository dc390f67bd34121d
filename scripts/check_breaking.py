#!/usr/bin/env python
"""``buf breaking`` against the contract as it last landed on main.

CI checks a fresh clone of main, where "main" is the very commit under test, so comparing with the branch
would compare the contract with itself. Instead the published contract is kept as a buf image,
``proto/breaking-baseline.binpb`` (built from the protos as they landed), and every change is checked against
it with buf's FILE rules. An image does not depend on the clone's git history, so a rebased or shallow clone
checks the same way. Refresh it when a session lands (``python scripts/check_breaking.py --advance``), and only
past a breaking change when that change is intended and announced in the CHANGELOG.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "proto" / "breaking-baseline.binpb"


def _buf(*args: str) -> int:
    npx = shutil.which("npx")
    if npx is None:
        print("error: npx not found (install Node.js; the buf binary comes from npm's @bufbuild/buf)", file=sys.stderr)
        return 1
    command = [npx, "--no-install", "buf", *args]
    print(" ".join(command[2:]))
    return subprocess.run(command, cwd=ROOT, check=False).returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--advance", action="store_true", help="rebuild the baseline image from the protos now")
    args = parser.parse_args()
    if args.advance:
        return _buf("build", "proto", "-o", str(BASELINE.relative_to(ROOT)))
    if not BASELINE.exists():
        print(f"error: {BASELINE.relative_to(ROOT)} is missing; create it with --advance", file=sys.stderr)
        return 1
    return _buf("breaking", "proto", "--against", str(BASELINE.relative_to(ROOT)))


if __name__ == "__main__":
    raise SystemExit(main())

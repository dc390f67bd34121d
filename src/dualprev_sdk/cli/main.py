"""``dualprev``: the command-line entry point.

Command groups live in sibling modules and are listed in ``_COMMAND_MODULES``; each module exposes
``register(app)``. Other distributions (the gateway) add groups through the ``dualprev_sdk.cli`` entry-point
group, so the core never imports them.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from dualprev_sdk import __version__
from dualprev_sdk.errors import DualprevError

app = typer.Typer(
    name="dualprev",
    help="特种设备双重预防体系 SDK — special-equipment dual prevention (risk grading + hazard investigation).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)

#: Modules under dualprev_sdk.cli that contribute commands via ``register(app)``.
_COMMAND_MODULES: tuple[str, ...] = (
    "check",
    "catalog",
    "grade",
    "init",
    "importer",
    "due",
    "risk",
    "inspections",
    "demo",
    "simplified",
    "regulator",
    "hazards",
    "events",
    "equipment",
    "maintenance",
)
CLI_ENTRY_POINT_GROUP = "dualprev_sdk.cli"


def _version_callback(value: bool) -> None:
    if value:
        console.print(f"dualprev-sdk {__version__}")
        raise typer.Exit


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version_callback, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """特种设备双重预防体系 SDK."""


@app.command("plugins")
def plugins_command(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """List installed plugins with their version, hooks and equipment classes."""
    from dualprev_sdk.plugins import default_host

    infos = default_host().list_plugins()
    if as_json:
        import attrs

        typer.echo(json.dumps([attrs.asdict(i) for i in infos], ensure_ascii=False, indent=2))
        return
    table = Table(title="dualprev plugins")
    for column in ("plugin", "version", "hooks", "equipment classes"):
        table.add_column(column)
    for info in infos:
        classes = ", ".join(f"{c['name_zh']} ({'/'.join(c['catalog_codes'])})" for c in info.equipment_classes)
        table.add_row(info.name, info.version or "-", "\n".join(info.hooks), classes)
    console.print(table)


_loaded = False


def _load_command_modules() -> None:
    """Register every command group once per process (``main()`` may run many times, e.g. in tests)."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    for name in _COMMAND_MODULES:
        importlib.import_module(f"dualprev_sdk.cli.{name}").register(app)
    for ep in importlib.metadata.entry_points(group=CLI_ENTRY_POINT_GROUP):
        ep.load()(app)


def main() -> None:
    """Console-script entry: run the app, turning SDK errors into a clear message and exit status 1."""
    _load_command_modules()
    try:
        # In non-standalone mode click *returns* the code of a typer.Exit instead of raising it.
        exit_code = app(standalone_mode=False)
    except DualprevError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise SystemExit(1) from None
    except typer.Exit as exc:
        raise SystemExit(exc.exit_code) from None
    except SystemExit:
        raise
    except typer.Abort:
        raise SystemExit(130) from None
    except typer.TyperException as exc:
        # usage errors (a missing option, a BadParameter) arrive here in non-standalone mode; typer >= 0.29 bundles
        # its own click, so the public typer.TyperException is the type to catch, not click's
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            err_console.print(f"[red]error:[/red] {exc}")
        raise SystemExit(getattr(exc, "exit_code", 2)) from None
    if isinstance(exit_code, int) and exit_code:
        raise SystemExit(exit_code)

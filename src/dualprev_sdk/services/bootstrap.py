"""The composition root: the one place that wires engine, migrations, plugin host, converter and unit of work.

Everything else receives what it needs (a unit-of-work factory, a parameters codec) instead of building it,
which is what lets tests swap a database URL or a plugin host without touching use-case code::

    sdk = Dualprev.open()                      # ./dualprev.sqlite, or $DUALPREV_DATABASE_URL
    sdk.ledger.create_unit(UseUnit(...))
    with sdk.uow() as uow: ...                 # for use cases that are not wrapped yet
"""

from __future__ import annotations

from collections.abc import Collection
from types import TracebackType
from typing import Any, Self

import cattrs
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from dualprev_sdk import serialization
from dualprev_sdk.access import ApiKeySource
from dualprev_sdk.equipment_classes import EquipmentClass
from dualprev_sdk.errors import FailedPrecondition
from dualprev_sdk.plugins import PluginHost, default_host
from dualprev_sdk.services.ledger import Ledger
from dualprev_sdk.store import migrate as migrations
from dualprev_sdk.store.api_keys import StoreApiKeys
from dualprev_sdk.store.engine import make_engine, mask_url
from dualprev_sdk.store.equipment import PlainParametersCodec
from dualprev_sdk.store.outbox import OutboxEvent, read_after, read_scoped
from dualprev_sdk.store.read_cache import ReadCache
from dualprev_sdk.store.uow import UnitOfWork

__all__ = ["Dualprev", "PluginParametersCodec", "open_sdk"]


class PluginParametersCodec:
    """Equipment parameters ↔ JSON through the equipment-class plugin that owns the catalogue code.

    Writing validates (a dict or an instance of the plugin's type both go through the class's
    ``structure_parameters``, so every bad field is reported with its path). Codes no plugin claims, and
    classes without a parameter type, keep their parameters as plain data. Plugins load lazily on first use,
    so opening the SDK stays cheap.
    """

    def __init__(self, host: PluginHost) -> None:
        self.host = host
        self._plain = PlainParametersCodec()

    def _class_for(self, catalog_code: str) -> EquipmentClass | None:
        found = self.host.equipment_classes.for_code(catalog_code)
        return found if found is not None and found.parameters_type is not None else None

    def unstructure(self, catalog_code: str, parameters: Any) -> dict[str, Any] | None:
        if parameters is None:
            return None
        cls = self._class_for(catalog_code)
        if cls is None:
            return self._plain.unstructure(catalog_code, parameters)
        data = cls.unstructure_parameters(cls.structure_parameters(parameters))
        return None if data is None else dict(data)

    def structure(self, catalog_code: str, data: dict[str, Any] | None) -> Any:
        if data is None:
            return None
        cls = self._class_for(catalog_code)
        return data if cls is None else cls.structure_parameters(data)


class Dualprev:
    """An open SDK: database, plugins and the services that use them. Close it (or use ``with``) when done."""

    def __init__(
        self,
        engine: Engine,
        *,
        host: PluginHost | None = None,
        converter: cattrs.Converter | None = None,
    ) -> None:
        self.engine = engine
        self.host = host if host is not None else default_host()
        self.converter = converter if converter is not None else serialization.converter
        self.parameters_codec = PluginParametersCodec(self.host)
        self.session_factory: sessionmaker[Session] = sessionmaker(engine, expire_on_commit=False)
        self.read_cache: ReadCache | None = None
        self.ledger = Ledger(
            self.uow, reader=self.engine.connect, codec=self.parameters_codec, cache=lambda: self.read_cache
        )

    @classmethod
    def open(
        cls,
        url: str | None = None,
        *,
        host: PluginHost | None = None,
        migrate: bool = True,
        engine_options: dict[str, Any] | None = None,
    ) -> Dualprev:
        """Connect to ``url`` (default ``./dualprev.sqlite`` or ``$DUALPREV_DATABASE_URL``).

        ``migrate=True`` creates or upgrades the schema first; with ``migrate=False`` a database that is not at
        the SDK's schema revision is refused (FailedPrecondition) rather than failing later on a missing column.
        """
        engine = make_engine(url, **(engine_options or {}))
        try:
            if migrate:
                migrations.upgrade(engine)
            else:
                current, head = migrations.current_revision(engine), migrations.head_revision()
                if current != head:
                    raise FailedPrecondition(
                        f"database {mask_url(engine.url)} is at schema revision {current or 'none'}, this SDK needs "
                        f"{head}; run `dualprev init` to upgrade it",
                        metadata={"current": str(current), "head": str(head)},
                    )
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, host=host)

    @property
    def url(self) -> str:
        """The database URL with the password masked."""
        return mask_url(self.engine.url)

    def uow(self) -> UnitOfWork:
        """A new unit of work (enter it with ``with``)."""
        return UnitOfWork(self.session_factory, parameters_codec=self.parameters_codec)

    def read_events(self, after: int = 0, limit: int = 100) -> list[OutboxEvent]:
        """Outbox events after the cursor ``after``, oldest first (see ``docs/storage.md``)."""
        with self.session_factory() as session:
            return read_after(session, after, limit)

    def read_scoped_events(
        self,
        after: int = 0,
        limit: int = 100,
        *,
        unit_usccs: Collection[str] | None = None,
        region_prefix: str | None = None,
        agency: str | None = None,
        everything: bool = False,
    ) -> tuple[list[OutboxEvent], int]:
        """Events after ``after`` within one caller's scope and the cursor to resume from (it moves past rows
        outside the scope; see :func:`dualprev_sdk.store.outbox.read_scoped`)."""
        with self.session_factory() as session:
            return read_scoped(
                session,
                after,
                limit,
                unit_usccs=unit_usccs,
                region_prefix=region_prefix,
                agency=agency,
                everything=everything,
            )

    def enable_read_cache(self, ttl: float, *, max_entries: int = 100_000) -> ReadCache:
        """Cache single unit and equipment lookups made with ``cached=True`` (a server's hot reads). Writes
        through this SDK's engine drop the affected table's entries at once, whatever code made them; writes by
        other processes are seen within ``ttl`` seconds. Calling it again replaces the cache."""
        if self.read_cache is not None:
            self.read_cache.close()
        self.read_cache = ReadCache(self.engine, ttl=ttl, max_entries=max_entries)
        return self.read_cache

    def api_key_source(self) -> ApiKeySource:
        """Where API keys are looked up: this database (one short read per lookup; callers may cache)."""
        return StoreApiKeys(self.uow)

    def close(self) -> None:
        if self.read_cache is not None:
            self.read_cache.close()
            self.read_cache = None
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Dualprev(url={self.url!r})"


def open_sdk(url: str | None = None, *, host: PluginHost | None = None, migrate: bool = True) -> Dualprev:
    """Shorthand for :meth:`Dualprev.open`."""
    return Dualprev.open(url, host=host, migrate=migrate)

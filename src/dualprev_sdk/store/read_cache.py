"""A per-process read cache for single-record lookups that a server repeats on most calls (a unit by USCC, an
equipment record by id), kept correct by watching the engine rather than by trusting every writer to report.

Why here and why this way: the gateway reads a unit or an equipment record on almost every call (the resource
itself, or its region for an access check), and under many concurrent calls a SQLite or PostgreSQL round trip
per read costs more than everything else in the call. The records change rarely compared with how often they
are read, so caching them pays — but only if a write can never leave a stale copy behind in the writer's own
process, whatever path the write took (a repository, the bulk ledger import's raw statements, a migration).

So the cache does not rely on callers: it listens to the engine. Every statement that writes a watched table
(``INSERT``/``UPDATE``/``DELETE``… naming ``units`` or ``equipment``) marks its pooled connection; when that
connection goes back to the pool — after its transaction committed or rolled back — the table's entries are
dropped and its *generation* moves on. A lookup that started before the drop and finishes after it (it may have
read the old row) sees the generation changed and does not store what it read. Hence:

- writes made through this process's engine are visible to the next cached read in this process, always;
- writes made by other processes (another gateway replica, the CLI) are seen within ``ttl`` seconds — the
  documented staleness bound (``docs/grpc.md``, "Read cache");
- callers that go on to write (read-modify-write with an etag) must read fresh, not from here.

Entries are shared immutable domain objects (frozen attrs); ``max_entries`` bounds memory (least recently used
out first).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

import attrs
from cachetools import TTLCache
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import ConnectionPoolEntry

__all__ = ["WATCHED_TABLES", "ReadCache", "ReadCacheStats"]

T = TypeVar("T")

#: The tables whose single-record reads are cached (the ledger's units and equipment).
WATCHED_TABLES: tuple[str, ...] = ("units", "equipment")

_WRITE = re.compile(r"\s*(?:INSERT|UPDATE|DELETE|REPLACE|UPSERT|MERGE|DROP|ALTER|TRUNCATE)\b", re.IGNORECASE)
_MARK = "dualprev.read_cache.wrote"
_MISSING: Any = object()


def _tables_pattern(tables: Iterable[str]) -> re.Pattern[str]:
    # word boundaries: "equipment" must not match "equipment_events" or "person_equipment"
    return re.compile(r"\b(" + "|".join(re.escape(t) for t in tables) + r")\b", re.IGNORECASE)


@attrs.define
class ReadCacheStats:
    """Counters since the cache was made (for tests, benchmarks and logs)."""

    hits: int = 0
    misses: int = 0
    invalidations: int = 0


class _Table:
    def __init__(self, ttl: float, max_entries: int, timer: Callable[[], float]) -> None:
        self.entries: TTLCache[Hashable, Any] = TTLCache(max_entries, ttl, timer=timer)
        self.generation = 0


class ReadCache:
    """``cache.get("units", uscc, load)`` — ``load()`` on a miss; see the module docstring for the rules."""

    def __init__(
        self,
        engine: Engine,
        *,
        ttl: float,
        max_entries: int = 100_000,
        tables: Iterable[str] = WATCHED_TABLES,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        if ttl <= 0:
            raise ValueError("ttl must be positive; do not make a cache to disable caching")
        self.ttl = ttl
        self._lock = threading.Lock()
        self._tables = {name: _Table(ttl, max_entries, timer) for name in tables}
        self._names = _tables_pattern(self._tables)
        self.stats = ReadCacheStats()
        self._engine = engine
        event.listen(engine, "before_cursor_execute", self._on_statement)
        event.listen(engine, "checkin", self._on_checkin)

    def close(self) -> None:
        """Stop watching the engine and drop everything."""
        event.remove(self._engine, "before_cursor_execute", self._on_statement)
        event.remove(self._engine, "checkin", self._on_checkin)
        self.invalidate()

    # -- reads -------------------------------------------------------------------------------------------------

    def get(self, table: str, key: Hashable, load: Callable[[], T]) -> T:
        """The cached record, or ``load()``'s (stored unless a write to ``table`` finished meanwhile). Errors
        from ``load`` (NotFound…) pass through and nothing is stored: absence is not cached."""
        cache = self._tables[table]
        with self._lock:
            found = cache.entries.get(key, _MISSING)
            generation = cache.generation
            if found is _MISSING:
                self.stats.misses += 1
            else:
                self.stats.hits += 1
        if found is not _MISSING:
            value: T = found
            return value
        value = load()
        with self._lock:
            if cache.generation == generation:
                cache.entries[key] = value
        return value

    # -- invalidation ------------------------------------------------------------------------------------------

    def invalidate(self, tables: Iterable[str] | None = None) -> None:
        """Drop the entries of ``tables`` (all when None) and move their generations on."""
        with self._lock:
            for name in self._tables if tables is None else tables:
                if (cache := self._tables.get(name)) is not None:
                    cache.entries.clear()
                    cache.generation += 1
            self.stats.invalidations += 1

    def _on_statement(self, conn: Any, *args: Any) -> None:
        # SQLAlchemy's before_cursor_execute(conn, cursor, statement, parameters, context, executemany)
        statement: str = args[1]
        if not _WRITE.match(statement):
            return
        touched = {m.lower() for m in self._names.findall(statement)}
        if touched:
            conn.info.setdefault(_MARK, set()).update(touched)

    def _on_checkin(self, dbapi_connection: Any, record: ConnectionPoolEntry | None) -> None:
        if record is None:  # detached or invalidated: whatever it wrote is unknown
            self.invalidate()
            return
        touched = record.info.pop(_MARK, None)
        if touched:
            self.invalidate(touched)

"""The gateway's background pruner of expired AIP-155 request ids.

Request ids are stored with the creates they guard (:mod:`dualprev_gateway.idempotency`) and are honoured for
``request_id_retention_hours``; after that a retry counts as a new request, and the id only takes space. The
pruner deletes them once when the server starts and then every ``request_id_prune_interval_seconds``, in small
batches (:func:`dualprev_sdk.services.idempotency.prune_request_ids`), logging one structured line per run.

It is housekeeping, so it must never take the server down: a failed run (database unreachable, a lock timeout)
is logged and tried again at the next interval. Several replicas on one database may all prune: deleting
expired ids is idempotent, and each batch is a short transaction of its own.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time

from dualprev_sdk.services.bootstrap import Dualprev
from dualprev_sdk.services.idempotency import prune_request_ids

__all__ = ["RequestIdPruner"]

log = logging.getLogger("dualprev_gateway.pruning")


class RequestIdPruner:
    """A daemon thread that prunes request ids older than ``retention`` now and every ``interval`` seconds."""

    def __init__(self, sdk: Dualprev, *, retention: dt.timedelta, interval: float) -> None:
        if retention <= dt.timedelta(0):
            raise ValueError(f"retention must be positive, got {retention}")
        if interval <= 0:
            raise ValueError(f"interval must be positive, got {interval}")
        self.sdk = sdk
        self.retention = retention
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        #: Runs finished (successful or not); lets a caller see that the pruner is alive without timing it.
        self.runs = 0

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("the request id pruner was already started")
        # daemon: a prune in progress never keeps a stopping process alive; stop() still ends it cleanly
        self._thread = threading.Thread(target=self._loop, name="dualprev-request-id-pruner", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """Ask the thread to finish and wait up to ``timeout`` seconds for a run in progress to end (the batch
        in flight commits or rolls back on its own; the next prune removes whatever is left)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        """Whether the thread is running (started and not yet stopped)."""
        return self._thread is not None and self._thread.is_alive()

    def run_once(self) -> int | None:
        """One prune; the number removed, or None when it failed (logged, never raised)."""
        started = time.monotonic()
        try:
            removed = prune_request_ids(self.sdk, retention=self.retention)
        except Exception as exc:
            log.exception(
                "request id prune failed; retrying at the next interval",
                extra={
                    "fields": {
                        "event": "request_ids.prune_failed",
                        "error": f"{type(exc).__name__}: {exc}",
                        "retry_in_seconds": self.interval,
                    }
                },
            )
            return None
        finally:
            self.runs += 1
        log.info(
            "request ids pruned",
            extra={
                "fields": {
                    "event": "request_ids.pruned",
                    "removed": removed,
                    "retention_hours": self.retention / dt.timedelta(hours=1),
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                }
            },
        )
        return removed

    def _loop(self) -> None:
        self.run_once()
        while not self._stop.wait(self.interval):
            self.run_once()

"""Structured JSON logs: one object per line, so a log shipper can index request ids, methods and codes.

Call sites pass structured fields as ``extra={"fields": {...}}``; the formatter merges them into the object.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from typing import Any, TextIO

__all__ = ["JsonFormatter", "configure_logging"]


class JsonFormatter(logging.Formatter):
    """``{"ts": ..., "level": ..., "logger": ..., "message": ..., <fields>, "exception": ...}``."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: str = "INFO", stream: TextIO | None = None) -> None:
    """Route the gateway's loggers to ``stream`` (stderr) as JSON lines; idempotent."""
    logger = logging.getLogger("dualprev_gateway")
    logger.setLevel(level.upper())
    for handler in list(logger.handlers):
        if getattr(handler, "_dualprev_json", False):
            logger.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler._dualprev_json = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.propagate = False

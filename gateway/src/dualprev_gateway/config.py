"""Gateway configuration: defaults ← TOML file (``[gateway]`` table) ← ``DUALPREV_GATEWAY_*`` ← CLI flags.

Later sources win. Values are structured with the SDK's one converter, so a bad value in any source is one
``InvalidArgument`` naming every bad field (``tls.cert_file``…), not a traceback at start-up.

Example file::

    [gateway]
    address = "0.0.0.0:50051"
    db = "postgresql+psycopg://dualprev@db/dualprev"
    grace_seconds = 10
    request_id_retention_hours = 168      # product default (7 days); 0 = keep request ids forever

    [gateway.tls]
    cert_file = "/etc/dualprev/server.pem"
    key_file = "/etc/dualprev/server.key"
    client_ca_file = "/etc/dualprev/clients-ca.pem"   # set → mutual TLS, client certificates required
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from dualprev_sdk.errors import InvalidArgument
from dualprev_sdk.serialization import structure
from dualprev_sdk.services.idempotency import DEFAULT_REQUEST_ID_RETENTION

__all__ = ["ENV_PREFIX", "GatewayConfig", "TlsConfig", "load_config"]

ENV_PREFIX = "DUALPREV_GATEWAY_"


@attrs.frozen(kw_only=True)
class TlsConfig:
    """Server TLS. With ``client_ca_file`` the server demands a client certificate signed by that CA (mTLS)."""

    cert_file: str
    key_file: str
    client_ca_file: str | None = None

    def read(self) -> tuple[bytes, bytes, bytes | None]:
        def load(field: str, path: str) -> bytes:
            try:
                return Path(path).read_bytes()
            except OSError as exc:
                raise InvalidArgument.single(f"tls.{field}", path, "file.readable", f"cannot read: {exc}") from None

        ca = load("client_ca_file", self.client_ca_file) if self.client_ca_file else None
        return load("cert_file", self.cert_file), load("key_file", self.key_file), ca


@attrs.frozen(kw_only=True)
class GatewayConfig:
    """Everything ``build_server`` needs. ``db`` None means the SDK's default database URL."""

    address: str = "127.0.0.1:50051"
    db: str | None = None
    max_workers: int = attrs.field(default=16, validator=attrs.validators.ge(1))
    grace_seconds: float = attrs.field(default=5.0, validator=attrs.validators.ge(0))
    log_level: str = "INFO"
    events_poll_seconds: float = attrs.field(default=0.2, validator=attrs.validators.gt(0))
    events_batch: int = attrs.field(default=200, validator=attrs.validators.ge(1))
    #: Following WatchEvents streams each hold a worker thread; cap them so unary calls always find a worker.
    #: None = half of ``max_workers`` (at least 1).
    max_event_followers: int | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.ge(0))
    )
    #: Calls in progress or queued beyond this are refused with RESOURCE_EXHAUSTED instead of queueing without
    #: bound. None = 8 per worker.
    max_concurrent_rpcs: int | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.ge(1))
    )
    #: Server keepalive pings find clients that vanished without closing (a following stream would otherwise
    #: hold its worker until the next write fails).
    keepalive_seconds: float = attrs.field(default=30.0, validator=attrs.validators.gt(0))
    #: How long a found API key record is reused before the store is asked again (a revoked key keeps working at
    #: most this long); 0 = look every key up on every call.
    api_key_cache_seconds: float = attrs.field(default=5.0, validator=attrs.validators.ge(0))
    #: Units and equipment read by Get calls are cached this long (the SDK's read cache). Writes through this
    #: gateway are visible at once; writes by other processes (another replica, the CLI) within this bound.
    #: 0 = read the store on every call.
    read_cache_seconds: float = attrs.field(default=1.0, validator=attrs.validators.ge(0))
    #: AIP-155 request ids older than this are deleted by the server's background pruner; a client retrying
    #: with an older id creates anew. Default: the SDK's product default (7 days), not a regulatory value.
    #: 0 = never prune (the ids are kept forever, or pruned by ``dualprev maintenance prune-request-ids``).
    request_id_retention_hours: float = attrs.field(
        default=DEFAULT_REQUEST_ID_RETENTION / dt.timedelta(hours=1), validator=attrs.validators.ge(0)
    )
    #: How often the pruner runs (it also runs once at start-up).
    request_id_prune_interval_seconds: float = attrs.field(default=3600.0, validator=attrs.validators.gt(0))
    tls: TlsConfig | None = None

    @property
    def concurrent_rpcs(self) -> int:
        return self.max_workers * 8 if self.max_concurrent_rpcs is None else self.max_concurrent_rpcs

    @property
    def event_followers(self) -> int:
        return max(1, self.max_workers // 2) if self.max_event_followers is None else self.max_event_followers

    @property
    def request_id_retention(self) -> dt.timedelta | None:
        """The retention as a duration; None when pruning is off."""
        if self.request_id_retention_hours == 0:
            return None
        return dt.timedelta(hours=self.request_id_retention_hours)


_ENV_FIELDS: dict[str, tuple[str, ...]] = {
    "ADDRESS": ("address",),
    "DB": ("db",),
    "MAX_WORKERS": ("max_workers",),
    "GRACE_SECONDS": ("grace_seconds",),
    "LOG_LEVEL": ("log_level",),
    "EVENTS_POLL_SECONDS": ("events_poll_seconds",),
    "MAX_EVENT_FOLLOWERS": ("max_event_followers",),
    "MAX_CONCURRENT_RPCS": ("max_concurrent_rpcs",),
    "KEEPALIVE_SECONDS": ("keepalive_seconds",),
    "API_KEY_CACHE_SECONDS": ("api_key_cache_seconds",),
    "READ_CACHE_SECONDS": ("read_cache_seconds",),
    "REQUEST_ID_RETENTION_HOURS": ("request_id_retention_hours",),
    "REQUEST_ID_PRUNE_INTERVAL_SECONDS": ("request_id_prune_interval_seconds",),
    "TLS_CERT_FILE": ("tls", "cert_file"),
    "TLS_KEY_FILE": ("tls", "key_file"),
    "TLS_CLIENT_CA_FILE": ("tls", "client_ca_file"),
}


def _merge(into: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for part in path[:-1]:
        into = into.setdefault(part, {})
    into[path[-1]] = value


def load_config(
    file: str | os.PathLike[str] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> GatewayConfig:
    """Read the layers and structure them; ``overrides`` (CLI flags) skip ``None`` values."""
    data: dict[str, Any] = {}
    env = os.environ if env is None else env
    config_file = file or env.get(f"{ENV_PREFIX}CONFIG")
    if config_file:
        try:
            with open(config_file, "rb") as fh:
                parsed = tomllib.load(fh)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise InvalidArgument.single("config", str(config_file), "config.toml", f"cannot read: {exc}") from None
        section = parsed.get("gateway", {})
        if not isinstance(section, dict):
            raise InvalidArgument.single("gateway", section, "config.table", "[gateway] must be a table")
        data.update(section)
    for suffix, path in _ENV_FIELDS.items():
        if (value := env.get(ENV_PREFIX + suffix)) is not None:
            _merge(data, path, value)
    for key, value in (overrides or {}).items():
        if value is not None:
            data[key] = value
    return structure(data, GatewayConfig)

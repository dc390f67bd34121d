"""Gateway configuration: defaults ← TOML file ← DUALPREV_GATEWAY_* ← command-line flags."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from dualprev_gateway.config import GatewayConfig, TlsConfig, load_config

from dualprev_sdk.errors import InvalidArgument
from dualprev_sdk.services.idempotency import DEFAULT_REQUEST_ID_RETENTION


def test_later_layers_win_file_then_environment_then_flags(tmp_path: Path) -> None:
    file = tmp_path / "gateway.toml"
    file.write_text(
        '[gateway]\naddress = "0.0.0.0:6000"\ngrace_seconds = 9\nmax_workers = 3\n'
        '[gateway.tls]\ncert_file = "s.pem"\nkey_file = "s.key"\n',
        "utf-8",
    )
    env = {"DUALPREV_GATEWAY_GRACE_SECONDS": "2.5", "DUALPREV_GATEWAY_TLS_CLIENT_CA_FILE": "ca.pem"}
    config = load_config(file, env=env, overrides={"address": "127.0.0.1:7000", "db": None})
    assert config == GatewayConfig(
        address="127.0.0.1:7000",
        grace_seconds=2.5,
        max_workers=3,
        tls=TlsConfig(cert_file="s.pem", key_file="s.key", client_ca_file="ca.pem"),
    )


def test_no_sources_means_the_defaults() -> None:
    assert load_config(env={}) == GatewayConfig()


def test_every_bad_value_is_reported_with_its_field(tmp_path: Path) -> None:
    file = tmp_path / "gateway.toml"
    file.write_text('[gateway]\nmax_workers = "many"\nunknown_key = 1\n', "utf-8")
    with pytest.raises(InvalidArgument) as error:
        load_config(file, env={})
    fields = {v.field for v in error.value.violations}
    assert "max_workers" in fields
    assert any("unknown_key" in v.message for v in error.value.violations), "a typo in a key is not ignored"


def test_an_unreadable_certificate_names_the_setting() -> None:
    with pytest.raises(InvalidArgument) as error:
        TlsConfig(cert_file="/nonexistent/s.pem", key_file="/nonexistent/s.key").read()
    assert error.value.violations[0].field == "tls.cert_file"


def test_request_id_retention_and_prune_interval_come_from_the_environment() -> None:
    env = {
        "DUALPREV_GATEWAY_REQUEST_ID_RETENTION_HOURS": "36",
        "DUALPREV_GATEWAY_REQUEST_ID_PRUNE_INTERVAL_SECONDS": "600",
    }
    config = load_config(env=env)
    assert (config.request_id_retention_hours, config.request_id_prune_interval_seconds) == (36, 600)
    assert config.request_id_retention == dt.timedelta(hours=36)


def test_request_ids_are_kept_for_the_sdk_product_default_unless_configured(tmp_path: Path) -> None:
    assert GatewayConfig().request_id_retention == DEFAULT_REQUEST_ID_RETENTION
    assert GatewayConfig().request_id_prune_interval_seconds == 3600
    file = tmp_path / "gateway.toml"
    file.write_text("[gateway]\nrequest_id_retention_hours = 0\n", "utf-8")
    assert load_config(file, env={}).request_id_retention is None  # 0 = never prune


@pytest.mark.parametrize(
    ("suffix", "value"), [("REQUEST_ID_RETENTION_HOURS", "-1"), ("REQUEST_ID_PRUNE_INTERVAL_SECONDS", "0")]
)
def test_a_negative_retention_or_a_zero_prune_interval_is_invalid(suffix: str, value: str) -> None:
    with pytest.raises(InvalidArgument) as error:
        load_config(env={f"DUALPREV_GATEWAY_{suffix}": value})
    assert [v.field for v in error.value.violations] == [suffix.lower()]


def test_every_out_of_range_setting_is_named_not_only_the_first() -> None:
    with pytest.raises(InvalidArgument) as error:
        load_config(env={"DUALPREV_GATEWAY_MAX_WORKERS": "0", "DUALPREV_GATEWAY_GRACE_SECONDS": "-1"})
    assert {v.field: v.message for v in error.value.violations} == {
        "max_workers": "'max_workers' must be >= 1: 0",
        "grace_seconds": "'grace_seconds' must be >= 0: -1.0",
    }

"""Gateway configuration: defaults ← TOML file ← DUALPREV_GATEWAY_* ← command-line flags."""

from __future__ import annotations

from pathlib import Path

import pytest
from dualprev_gateway.config import GatewayConfig, TlsConfig, load_config

from dualprev_sdk.errors import InvalidArgument


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

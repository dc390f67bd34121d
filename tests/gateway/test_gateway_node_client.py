"""Another language's client: Node.js (@grpc/grpc-js + @grpc/proto-loader) built from the shipped protos only."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from dualprev_gateway.protos import proto_root
from dualprev_gateway.server import Gateway
from gateway_support import UNIT_A
from google.rpc import status_pb2

from dualprev_sdk.access import PrincipalKind

ROOT = Path(__file__).resolve().parents[2]
CLIENT = Path(__file__).with_name("node") / "ledger_client.mjs"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(
    NODE is None or not (ROOT / "node_modules" / "@grpc" / "grpc-js").exists(),
    reason="needs node and `npm ci` at the repository root",
)


def test_a_node_client_generated_from_the_wheels_protos_round_trips_and_reads_rich_errors(
    gateway: Gateway, tokens: dict[PrincipalKind, str]
) -> None:
    assert NODE is not None
    env = {
        **os.environ,
        "DUALPREV_TARGET": f"127.0.0.1:{gateway.port}",
        "DUALPREV_KEY": tokens[PrincipalKind.ENTERPRISE],
        "DUALPREV_PROTO_ROOT": str(proto_root()),
        "GOOGLEAPIS_PROTO_ROOT": str(Path(status_pb2.__file__).resolve().parents[2]),
        "DUALPREV_UNIT": UNIT_A,
    }
    result = subprocess.run(
        [NODE, str(CLIENT)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    observed = json.loads(result.stdout)
    assert observed["unit"]["name"] == f"units/{UNIT_A}"
    assert observed["unit"]["etag"]
    assert observed["created"] == f"units/{UNIT_A}/equipment/node-lift"
    assert observed["created"] in observed["listed"]
    assert observed["invalid"] == {
        "code": 3,  # INVALID_ARGUMENT
        "violations": ["equipment.manufactured_on"],
        "request_id": "node-client-1",
    }

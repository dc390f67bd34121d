"""Constants and helpers shared by the gateway tests (imported by conftest and the test modules)."""

from __future__ import annotations

import importlib
import pkgutil

import dualprev_gateway._generated.dualprev.v1 as contract
from google.protobuf import message, message_factory

from dualprev_sdk.access import PrincipalKind

UNIT_A = "91410102MA9000003Q"  # 郑州市中原区
UNIT_B = "91410202MA9000003X"  # 开封市龙亭区
UNIT_NEW = "91410105MA90000034"  # 郑州市金水区, not in the seed
AGENCY = "AG1"
SCOPES = {
    PrincipalKind.ENTERPRISE: UNIT_A,
    PrincipalKind.REGULATOR: "4101",
    PrincipalKind.AGENCY: AGENCY,
    PrincipalKind.DATACENTER: "*",
}


def bearer(token: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", f"Bearer {token}"),)


def _contract_methods() -> dict[str, tuple[type[message.Message], type[message.Message], bool]]:
    """Every RPC of every service in every proto file of the contract: path → (request, response, streaming)."""
    methods = {}
    for module_info in pkgutil.iter_modules(contract.__path__):
        if not module_info.name.endswith("_pb2"):
            continue
        module = importlib.import_module(f"{contract.__name__}.{module_info.name}")
        for service in module.DESCRIPTOR.services_by_name.values():
            for method in service.methods:
                methods[f"/{service.full_name}/{method.name}"] = (
                    message_factory.GetMessageClass(method.input_type),
                    message_factory.GetMessageClass(method.output_type),
                    method.server_streaming,
                )
    return methods


#: Every RPC of the contract: ``/package.Service/Method`` → (request class, response class, server streaming).
CONTRACT = _contract_methods()

"""PluginService: the same listing as ``dualprev plugins --json``."""

from __future__ import annotations

import grpc

from dualprev_gateway._generated.dualprev.v1 import plugins_pb2, plugins_pb2_grpc
from dualprev_gateway.auth import current_principal
from dualprev_sdk.plugins import PluginHost

__all__ = ["PluginServicer"]


class PluginServicer(plugins_pb2_grpc.PluginServiceServicer):
    """Any authenticated caller may list plugins: it reveals what the server understands, not anyone's data."""

    def __init__(self, host: PluginHost) -> None:
        self._host = host

    def ListPlugins(
        self, request: plugins_pb2.ListPluginsRequest, context: grpc.ServicerContext
    ) -> plugins_pb2.ListPluginsResponse:
        current_principal()
        return plugins_pb2.ListPluginsResponse(
            plugins=[
                plugins_pb2.Plugin(
                    name=info.name,
                    version=info.version or "",
                    distribution=info.distribution or "",
                    builtin=info.builtin,
                    hooks=list(info.hooks),
                    equipment_classes=[
                        plugins_pb2.EquipmentClassInfo(
                            key=str(c.get("key", "")),
                            name_zh=str(c.get("name_zh", "")),
                            name_en=str(c.get("name_en", "")),
                            kind_code=str(c.get("kind_code", "")),
                            catalog_codes=[str(code) for code in c.get("catalog_codes", ())],
                        )
                        for c in info.equipment_classes
                    ],
                )
                for info in self._host.list_plugins()
            ]
        )

"""dualprev-gateway: the gRPC face of dualprev-sdk (proto/dualprev/v1).

Start with :func:`dualprev_gateway.server.build_server` (tests, embedding) or ``dualprev gateway serve``.
"""

from __future__ import annotations

__version__ = "0.1.0.dev0"

"""Imports every table module so that :data:`metadata` describes the whole schema.

Alembic's ``env.py``, the baseline-regeneration script and the schema test read the metadata from here. When
you add ``store/<aggregate>.py`` with tables, add one import line below.
"""

from __future__ import annotations

from dualprev_sdk.store import api_keys as _api_keys  # noqa: F401
from dualprev_sdk.store import connector_cursors as _connector_cursors  # noqa: F401
from dualprev_sdk.store import credit as _credit  # noqa: F401
from dualprev_sdk.store import duties as _duties  # noqa: F401
from dualprev_sdk.store import elevator_emergency as _elevator_emergency  # noqa: F401
from dualprev_sdk.store import emergency as _emergency  # noqa: F401
from dualprev_sdk.store import equipment as _equipment  # noqa: F401
from dualprev_sdk.store import equipment_events as _equipment_events  # noqa: F401
from dualprev_sdk.store import hazards as _hazards  # noqa: F401
from dualprev_sdk.store import inspections as _inspections  # noqa: F401
from dualprev_sdk.store import outbox as _outbox  # noqa: F401
from dualprev_sdk.store import personnel as _personnel  # noqa: F401
from dualprev_sdk.store import request_ids as _request_ids  # noqa: F401
from dualprev_sdk.store import risk_points as _risk_points  # noqa: F401
from dualprev_sdk.store import supervision as _supervision  # noqa: F401
from dualprev_sdk.store import traceability as _traceability  # noqa: F401
from dualprev_sdk.store import units as _units  # noqa: F401
from dualprev_sdk.store.base import metadata

__all__ = ["metadata"]

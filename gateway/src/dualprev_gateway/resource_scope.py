"""What the access policy needs to know about a resource, looked up lazily: its unit's region, the agencies that
inspect a piece of equipment. Shared by the risk, inspection, duty and personnel servicers so each states only
*which* capability a call needs (``dualprev_sdk.access.CAPABILITY_ACTORS`` says who has it).
"""

from __future__ import annotations

from dualprev_gateway import convert
from dualprev_sdk import access
from dualprev_sdk.access import Capability, Principal, PrincipalKind
from dualprev_sdk.errors import NotFound, PermissionDenied
from dualprev_sdk.services.bootstrap import Dualprev

__all__ = ["ScopeLookups", "hidden_absence"]


def hidden_absence(principal: Principal, name: str) -> PermissionDenied | None:
    """For a missing resource whose name does not say its unit: PERMISSION_DENIED for everyone but the data centre
    (which may see everything, so NOT_FOUND tells it nothing it could not read) — AIP-211."""
    if principal.kind is PrincipalKind.DATACENTER:
        return None
    return PermissionDenied(
        f"{principal} may not access {name}: it does not exist or is outside your scope",
        metadata={"principal_kind": principal.kind.value, "resource": name},
    )


class ScopeLookups:
    def __init__(self, sdk: Dualprev) -> None:
        self._sdk = sdk

    def region(self, uscc: str) -> str | None:
        try:
            return str(self._sdk.ledger.get_unit(uscc).region_code)
        except NotFound:
            return None

    def inspected_by(self, principal: Principal, equipment_id: str | None) -> bool:
        if equipment_id is None or principal.kind is not PrincipalKind.AGENCY:
            return False
        with self._sdk.uow() as uow:
            return any(r.agency == principal.scope for r in uow.inspections.for_equipment(equipment_id))

    def require(
        self,
        principal: Principal,
        capability: Capability,
        uscc: str,
        *,
        equipment_id: str | None = None,
        resource: str | None = None,
    ) -> None:
        """``capability`` on a resource of unit ``uscc`` (and of ``equipment_id``, for an agency's scope)."""
        region = self.region(uscc) if principal.kind is PrincipalKind.REGULATOR else None
        access.require_capability(
            principal,
            capability,
            resource or convert.unit_name(uscc),
            uscc=uscc,
            region_code=region,
            agency_involved=lambda: self.inspected_by(principal, equipment_id),
        )

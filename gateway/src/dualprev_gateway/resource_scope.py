"""What the access policy needs to know about a resource, looked up lazily: its unit's region, the agencies that
inspect a piece of equipment. Shared by every servicer so each states only *which* capability a call needs
(``dualprev_sdk.access.CAPABILITY_ACTORS`` says who has it) and none repeats the lookups.

The policy reads a unit's region only for regulators and the inspecting agencies only for agencies, so those
lookups happen only for those callers.
"""

from __future__ import annotations

from collections.abc import Callable

from dualprev_gateway import convert
from dualprev_gateway.capability_convert import parse_region
from dualprev_gateway.inspection_convert import Parent
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

    def region_for(self, principal: Principal, uscc: str) -> str | None:
        """The unit's region when the policy reads it (a regulator's call), else None without a lookup."""
        return self.region(uscc) if principal.kind is PrincipalKind.REGULATOR and uscc else None

    def agencies(self, equipment_id: str | None) -> Callable[[], set[str]]:
        """A lazy lookup of the agencies with inspection records for the equipment (the policy calls it only for
        agency principals)."""

        def load() -> set[str]:
            if equipment_id is None:
                return set()
            with self._sdk.uow() as uow:
                return {r.agency for r in uow.inspections.for_equipment(equipment_id) if r.agency}

        return load

    def inspected_by(self, principal: Principal, equipment_id: str | None) -> bool:
        if equipment_id is None or principal.kind is not PrincipalKind.AGENCY:
            return False
        return principal.scope in self.agencies(equipment_id)()

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
        access.require_capability(
            principal,
            capability,
            resource or convert.unit_name(uscc),
            uscc=uscc,
            region_code=self.region_for(principal, uscc),
            agency_involved=lambda: self.inspected_by(principal, equipment_id),
        )

    def unit(self, principal: Principal, name: str, capability: Capability, field: str = "parent") -> str:
        """The USCC of ``units/{uscc}`` in field ``field``, once the caller may use ``capability`` on it."""
        uscc = convert.parse_unit_name(name, field)
        self.require(principal, capability, uscc)
        return uscc

    def equipment(self, principal: Principal, name: str, capability: Capability, field: str) -> tuple[str, str]:
        """(USCC, equipment id) of ``units/{uscc}/equipment/{id}``: scope from the name first (AIP-211), then the
        equipment must exist in that unit."""
        uscc, equipment_id = convert.parse_equipment_name(name, field)
        self.require(principal, capability, uscc, equipment_id=equipment_id, resource=name)
        try:
            found = self._sdk.ledger.get_equipment(equipment_id)
        except NotFound:
            raise NotFound("equipment", name) from None
        if found.unit_uscc != uscc:
            raise NotFound("equipment", name)
        return uscc, equipment_id

    def region_wide(self, principal: Principal, text: str, capability: Capability, field: str) -> str:
        """The region code of a region-wide call (``{code}`` or ``regions/{code}``), once the caller may use
        ``capability`` over all of it: a regulator names its region or a part of it, never a wider one."""
        code = parse_region(text, field)
        access.require_capability(principal, capability, f"regions/{code}", region_code=code)
        return code

    def parent(self, principal: Principal, parent: Parent, capability: Capability, text: str) -> None:
        """``capability`` on a ``units/{uscc}`` or ``regions/{code}`` parent (``text`` as the client sent it)."""
        if parent.uscc is not None:
            self.require(principal, capability, parent.uscc)
        else:
            access.require_capability(principal, capability, text, region_code=parent.region)

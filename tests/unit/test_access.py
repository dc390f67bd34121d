"""dualprev_sdk.access: who may see and change what, and API keys that are stored only as hashes."""

from __future__ import annotations

import pytest

from dualprev_sdk.access import (
    InMemoryApiKeys,
    Principal,
    PrincipalKind,
    UnitScope,
    authenticate,
    can_read_unit,
    hash_secret,
    issue_api_key,
    require_equipment_read,
    require_finding_submission,
    require_regulator_action,
    require_unit_read,
    require_unit_write,
    unit_scope,
)
from dualprev_sdk.errors import InvalidArgument, PermissionDenied

OWN = "91410102MA9000003Q"
OTHER = "91410202MA9000003X"

enterprise = Principal(kind=PrincipalKind.ENTERPRISE, scope=OWN)
zhengzhou = Principal(kind=PrincipalKind.REGULATOR, scope="4101")
agency = Principal(kind=PrincipalKind.AGENCY, scope="AG1")
centre = Principal(kind=PrincipalKind.DATACENTER, scope="*")


@pytest.mark.parametrize(
    ("kind", "scope"),
    [
        ("enterprise", "4101"),
        ("enterprise", "not-a-uscc"),
        ("regulator", "410"),
        ("regulator", "41A1"),
        ("agency", "bad agency id!"),
        ("datacenter", "41"),
    ],
)
def test_a_scope_that_does_not_fit_the_kind_is_rejected(kind: str, scope: str) -> None:
    with pytest.raises(InvalidArgument) as error:
        Principal(kind=PrincipalKind(kind), scope=scope)
    assert error.value.violations[0].field == "scope"


def test_an_enterprise_reads_and_changes_only_its_own_unit() -> None:
    assert can_read_unit(enterprise, OWN, "410102")
    assert not can_read_unit(enterprise, OTHER, "410102")
    require_unit_write(enterprise, OWN)
    with pytest.raises(PermissionDenied):
        require_unit_write(enterprise, OTHER)


def test_a_regulator_reads_its_region_and_acts_on_it_but_never_writes_a_ledger() -> None:
    require_unit_read(zhengzhou, OTHER, "410102")
    with pytest.raises(PermissionDenied):
        require_unit_read(zhengzhou, OTHER, "410202")
    with pytest.raises(PermissionDenied):
        require_unit_read(zhengzhou, OTHER, None)  # unknown location: cannot show it is in scope
    require_regulator_action(zhengzhou, OWN, "410102", "grade hazard")
    with pytest.raises(PermissionDenied):
        require_regulator_action(zhengzhou, OWN, "410202", "grade hazard")
    with pytest.raises(PermissionDenied):
        require_regulator_action(enterprise, OWN, "410102", "grade hazard")
    with pytest.raises(PermissionDenied):
        require_unit_write(zhengzhou, OWN)


def test_an_agency_sees_and_reports_on_the_equipment_it_inspects_only() -> None:
    require_equipment_read(agency, OWN, "410102", "ea1", inspecting_agencies=lambda: {"AG1", "AG2"})
    with pytest.raises(PermissionDenied):
        require_equipment_read(agency, OWN, "410102", "ea1", inspecting_agencies=lambda: {"AG2"})
    require_finding_submission(agency, OWN, "ea1", inspecting_agencies=lambda: {"AG1"})
    with pytest.raises(PermissionDenied):
        require_finding_submission(agency, OWN, "ea1", inspecting_agencies=frozenset)
    assert not can_read_unit(agency, OWN, "410102")


def test_the_data_centre_reads_everything_and_changes_nothing() -> None:
    assert can_read_unit(centre, OTHER, None)
    with pytest.raises(PermissionDenied):
        require_unit_write(centre, OWN)


def test_list_scopes_follow_the_principal_kind() -> None:
    assert unit_scope(enterprise) == UnitScope(uscc=OWN)
    assert unit_scope(zhengzhou) == UnitScope(region_prefix="4101")
    assert unit_scope(agency) == UnitScope(agency="AG1")
    assert unit_scope(centre) == UnitScope(everything=True)


def test_a_permission_error_names_who_tried_what_on_which_resource() -> None:
    with pytest.raises(PermissionDenied) as denied:
        require_unit_write(zhengzhou, OWN)
    assert denied.value.metadata == {"principal_kind": "regulator", "action": "change", "resource": f"units/{OWN}"}


def test_an_issued_key_authenticates_as_its_principal_and_only_its_hash_is_kept() -> None:
    keys = InMemoryApiKeys()
    issued = issue_api_key("regulator", "4101", label="郑州市局")
    keys.add(issued.key)
    assert issued.token.startswith(f"dpk_{issued.key.id}_")
    secret = issued.token.split("_", 2)[2]  # the secret itself may contain "_"
    assert issued.key.secret_sha256 == hash_secret(secret)
    assert secret not in repr(issued)
    principal = authenticate(issued.token, keys)
    assert principal == Principal(kind=PrincipalKind.REGULATOR, scope="4101", key_id=issued.key.id, label="郑州市局")


def test_two_keys_never_share_a_secret() -> None:
    tokens = {issue_api_key("datacenter", "*").token for _ in range(50)}
    assert len(tokens) == 50


@pytest.mark.parametrize("tamper", ["wrong secret", "revoked", "unknown id", "garbage"])
def test_a_key_that_is_tampered_with_or_revoked_authenticates_nobody(tamper: str) -> None:
    import attrs

    from dualprev_sdk import timeutil

    keys = InMemoryApiKeys()
    issued = issue_api_key("enterprise", OWN)
    keys.add(issued.key)
    token = issued.token
    if tamper == "wrong secret":
        token = token[:-1] + ("A" if token[-1] != "A" else "B")
    elif tamper == "revoked":
        keys.add(attrs.evolve(issued.key, revoked_at=timeutil.now()))
    elif tamper == "unknown id":
        token = f"dpk_{'0' * 16}_{token.split('_', 2)[2]}"
    else:
        token = "Bearer nonsense"
    assert authenticate(token, keys) is None


def test_an_unknown_kind_is_invalid_argument_listing_the_kinds() -> None:
    with pytest.raises(InvalidArgument) as error:
        issue_api_key("inspector", "x")
    assert "enterprise" in error.value.violations[0].message


def test_every_hazard_command_states_who_may_issue_it() -> None:
    from dualprev_sdk.access import HAZARD_COMMAND_ACTORS
    from dualprev_sdk.domain.hazard import HazardCommand

    assert set(HAZARD_COMMAND_ACTORS) == set(HazardCommand)
    assert all(PrincipalKind.DATACENTER not in kinds for kinds in HAZARD_COMMAND_ACTORS.values()), "it only reads"


def test_the_unit_runs_its_own_hazard_loop_and_the_regulator_supervises_in_its_region() -> None:
    from dualprev_sdk.access import require_hazard_command
    from dualprev_sdk.domain.hazard import HazardCommand

    require_hazard_command(enterprise, HazardCommand.PLAN_RECTIFICATION, OWN, "410102")
    with pytest.raises(PermissionDenied):
        require_hazard_command(enterprise, HazardCommand.PLAN_RECTIFICATION, OTHER, "410202")
    with pytest.raises(PermissionDenied):
        require_hazard_command(enterprise, HazardCommand.LIST_FOR_SUPERVISION, OWN, "410102")
    require_hazard_command(zhengzhou, HazardCommand.LIST_FOR_SUPERVISION, OWN, "410102")
    with pytest.raises(PermissionDenied):
        require_hazard_command(zhengzhou, HazardCommand.LIST_FOR_SUPERVISION, OTHER, "410202")
    with pytest.raises(PermissionDenied):
        require_hazard_command(zhengzhou, HazardCommand.PLAN_RECTIFICATION, OWN, "410102")


def test_an_agency_may_report_a_finding_only_on_equipment_it_inspects() -> None:
    from dualprev_sdk.access import require_hazard_command
    from dualprev_sdk.domain.hazard import HazardCommand

    inspects = lambda: {"AG1"}  # noqa: E731
    require_hazard_command(
        agency, HazardCommand.REPORT, OWN, "410102", equipment_id="ea1", inspecting_agencies=inspects
    )
    with pytest.raises(PermissionDenied):
        require_hazard_command(agency, HazardCommand.REPORT, OWN, "410102", equipment_id=None)
    with pytest.raises(PermissionDenied):
        require_hazard_command(
            agency, HazardCommand.REGISTER, OWN, "410102", equipment_id="ea1", inspecting_agencies=inspects
        )

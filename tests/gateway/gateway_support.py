"""Constants and helpers shared by the gateway tests (imported by conftest and the test modules)."""

from __future__ import annotations

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

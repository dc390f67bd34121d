"""People and their operator certificates (TSG Z6001-2019; 2011-era codes kept with their scheme)."""

from __future__ import annotations

import datetime as dt

import attrs

__all__ = ["Certificate", "Person"]


@attrs.frozen(kw_only=True)
class Certificate:
    """《特种设备安全管理和作业人员证》 item. ``scheme_version`` matters: N2 is 叉车司机 in 2011 and
    观光车司机 in 2019."""

    number: str
    category_code: str  # "N1", "Q2", "A"…
    scheme_version: str = "2019"  # "2019" (TSG Z6001-2019) or "2011"
    issued_on: dt.date | None = None
    expires_on: dt.date | None = None
    authority: str = ""
    limitation: str = ""  # e.g. "限桥式起重机"

    def valid_on(self, day: dt.date) -> bool:
        return self.expires_on is None or day <= self.expires_on


@attrs.define(kw_only=True)
class Person:
    id: str
    unit_uscc: str
    name: str
    id_number: str | None = None  # GB 11643 personal ID, validated where given
    phone: str = ""
    certificates: tuple[Certificate, ...] = ()
    version: int = 0

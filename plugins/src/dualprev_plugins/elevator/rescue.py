"""96333 emergency identification codes (电梯应急救援识别码), Part C §9.5.

There is no national format or check digit [GK]; each city's platform prints its own code on the rescue sign in
the car. The patterns are data keyed by GB/T 2260 region-code prefix (longest prefix wins), so a city that differs
from its province is one more row, and a deployment can pass its own table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from dualprev_sdk.domain.common import Source, SourceStatus

__all__ = ["DEFAULT_PATTERN", "RESCUE_CODE_PATTERNS", "RESCUE_CODE_SOURCE", "rescue_code_matches_region"]

DEFAULT_PATTERN = r"^\d{6}$"

#: region-code prefix → (platform phone, pattern)
RESCUE_CODE_PATTERNS: Mapping[str, tuple[str, str]] = {
    "41": ("96333", r"^\d{6}$"),  # 河南（郑州 2016 年起试点，6 位救援识别码）
    "6528": ("96333", r"^\d{6}$"),  # 新疆巴音郭楞（6 位电梯唯一识别码）
    "3506": ("96196", r"^\d{5}$"),  # 福建漳州（5 位）
}

RESCUE_CODE_SOURCE = Source(
    document="电梯应急处置服务平台（96333）救援识别码",
    clause="各地平台编码规则",
    status=SourceStatus.SECONDARY,
    note="郑州6位（cnr.cn 转载页）、巴州6位、漳州96196平台5位；无全国统一校验位 [GK]",
)


def rescue_code_matches_region(
    code: str, region_code: str, patterns: Mapping[str, tuple[str, str]] = RESCUE_CODE_PATTERNS
) -> bool:
    """Whether ``code`` has the form the region's platform uses (default: 6 digits)."""
    best = max((p for p in patterns if region_code.startswith(p)), key=len, default=None)
    pattern = patterns[best][1] if best is not None else DEFAULT_PATTERN
    return re.fullmatch(pattern.strip("^$"), code) is not None

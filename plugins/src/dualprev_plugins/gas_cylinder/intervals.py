"""Cylinder inspection cycles as two data tables, each row citing its source (Part C §3).

* ``TSG23_2021`` — the current rule, TSG 23-2021《气瓶安全技术规程》: **[GK]**, the reference asks to confirm it
  against the official text. It is the default because TSG 23-2021 replaced the older cylinder rules.
* ``LEGACY`` — the older GB/T 13004-style rule quoted by secondary pages ([V-2nd]), including the GB 8334 LPG
  steel-cylinder schedule counted from the manufacture date.

Both tables agree on the three common rows (corrosive 2 years, general 3, inert 5). Choose the table with the
configuration key ``gas_cylinder.table`` (``"tsg23_2021"`` or ``"legacy"``); override one row with its key.
Rows are tried in order; a condition left ``None`` matches anything, and an unknown parameter never matches a
condition (so an incomplete ledger row falls to the general row, never to a longer interval).
"""

from __future__ import annotations

import attrs

from dualprev_plugins._common.intervals import IntervalRule
from dualprev_plugins.gas_cylinder.parameters import (
    CylinderConstruction,
    CylinderMaterial,
    GasCylinderParameters,
    MediumCategory,
)
from dualprev_sdk import Source, SourceStatus

TABLE_KEY = "gas_cylinder.table"
DEFAULT_TABLE = "tsg23_2021"

TSG23 = Source(
    document="TSG 23-2021《气瓶安全技术规程》",
    clause="定期检验周期",
    status=SourceStatus.GENERAL_KNOWLEDGE,
    note="domain reference Part C §3: confirm against TSG 23-2021",
)
LEGACY_SOURCE = Source(
    document="TSG 23-2021 + 气瓶产品标准（GB/T 13004 类规定）",
    clause="定期检验周期",
    status=SourceStatus.SECONDARY,
    note="niuyw; zk.995w.com",
)
GB8334_SOURCE = Source(
    document="GB 8334《液化石油气钢瓶定期检验与评定》",
    clause="检验周期",
    status=SourceStatus.SECONDARY,
    note="niuyw/第一文库 page; the reading 4+4+4+3 years from manufacture is ours",
)

Profile = GasCylinderParameters


@attrs.frozen(kw_only=True)
class CylinderRow:
    """One row: conditions on the cylinder's profile and the interval rule that applies."""

    rule: IntervalRule
    media: frozenset[MediumCategory] | None = None
    constructions: frozenset[CylinderConstruction] | None = None
    materials: frozenset[CylinderMaterial] | None = None
    vehicle_fuel: bool | None = None
    corrosive_environment: bool | None = None

    def matches(self, p: Profile) -> bool:
        return (
            (self.media is None or p.medium_category in self.media)
            and (self.constructions is None or p.construction in self.constructions)
            and (self.materials is None or p.material in self.materials)
            and (self.vehicle_fuel is None or p.vehicle_fuel == self.vehicle_fuel)
            and (self.corrosive_environment is None or p.corrosive_environment == self.corrosive_environment)
        )


def _rule(key: str, years: float, text: str, source: Source) -> IntervalRule:
    return IntervalRule(key=key, kind="periodic_inspection", months=round(years * 12), rule_zh=text, source=source)


M = MediumCategory
TSG23_2021: tuple[CylinderRow, ...] = (
    CylinderRow(
        rule=_rule("gas_cylinder.tsg23.vehicle_lpg", 5, "车用液化石油气钢瓶：每5年检验一次", TSG23),
        media=frozenset({M.LPG}),
        vehicle_fuel=True,
    ),
    CylinderRow(
        rule=_rule("gas_cylinder.tsg23.lpg_dme_steel", 4, "液化石油气、液化二甲醚钢瓶：每4年检验一次", TSG23),
        media=frozenset({M.LPG, M.DME}),
        materials=frozenset({CylinderMaterial.STEEL}),
    ),
    CylinderRow(
        rule=_rule("gas_cylinder.tsg23.dissolved_acetylene", 3, "溶解乙炔气瓶：每3年检验一次", TSG23),
        media=frozenset({M.DISSOLVED_ACETYLENE}),
    ),
    CylinderRow(
        rule=_rule("gas_cylinder.tsg23.vehicle_cng_hydrogen", 3, "车用压缩天然气、氢气气瓶：每3年检验一次", TSG23),
        media=frozenset({M.CNG, M.HYDROGEN}),
        vehicle_fuel=True,
    ),
    CylinderRow(
        rule=_rule("gas_cylinder.tsg23.cryogenic", 3, "低温绝热气瓶：每3年检验一次", TSG23),
        constructions=frozenset({CylinderConstruction.CRYOGENIC_INSULATED}),
    ),
    CylinderRow(
        rule=_rule(
            "gas_cylinder.tsg23.inert_high_purity",
            5,
            "盛装氮、六氟化硫、惰性气体及纯度≥99.999%高纯气体的气瓶：每5年检验一次",
            TSG23,
        ),
        media=frozenset({M.INERT, M.HIGH_PURITY}),
    ),
    CylinderRow(
        rule=_rule("gas_cylinder.tsg23.corrosive", 2, "盛装腐蚀性气体的气瓶：每2年检验一次", TSG23),
        media=frozenset({M.CORROSIVE}),
    ),
    CylinderRow(rule=_rule("gas_cylinder.tsg23.other", 3, "其他气瓶：每3年检验一次", TSG23)),
)

ALUMINIUM = frozenset({CylinderMaterial.ALUMINIUM_ALLOY})
LEGACY: tuple[CylinderRow, ...] = (
    CylinderRow(
        rule=_rule(
            "gas_cylinder.legacy.aluminium_corrosive",
            2,
            "铝合金无缝气瓶盛装腐蚀性气体：每2年检验一次",
            LEGACY_SOURCE,
        ),
        media=frozenset({M.CORROSIVE}),
        materials=ALUMINIUM,
    ),
    CylinderRow(
        rule=_rule(
            "gas_cylinder.legacy.aluminium_corrosive_environment",
            2,
            "铝合金无缝气瓶在腐蚀性环境（如海水）中使用：每2年检验一次",
            LEGACY_SOURCE,
        ),
        materials=ALUMINIUM,
        corrosive_environment=True,
    ),
    CylinderRow(
        rule=_rule("gas_cylinder.legacy.aluminium_other", 3, "其他铝合金无缝气瓶：每3年检验一次", LEGACY_SOURCE),
        materials=ALUMINIUM,
    ),
    CylinderRow(
        rule=_rule("gas_cylinder.legacy.corrosive", 2, "盛装腐蚀性气体的气瓶：每2年检验一次", LEGACY_SOURCE),
        media=frozenset({M.CORROSIVE}),
    ),
    CylinderRow(
        rule=_rule("gas_cylinder.legacy.inert", 5, "盛装惰性气体的气瓶：每5年检验一次", LEGACY_SOURCE),
        media=frozenset({M.INERT}),
    ),
    CylinderRow(rule=_rule("gas_cylinder.legacy.general", 3, "盛装一般气体的气瓶：每3年检验一次", LEGACY_SOURCE)),
)

#: GB 8334 LPG steel cylinders (YSP-0.5…15) under the legacy table: inspection points in years from manufacture.
LPG_STEEL_SCHEDULE_YEARS = (4, 8, 12, 15)
LPG_STEEL_RULE = _rule(
    "gas_cylinder.legacy.lpg_steel",
    4,
    "液化石油气钢瓶：自制造日期起，第一次至第三次检验周期均为4年，第四次检验有效期为3年",
    GB8334_SOURCE,
)

TABLES = {"tsg23_2021": TSG23_2021, "legacy": LEGACY}

DESIGN_LIFE = Source(
    document="TSG 23-2021《气瓶安全技术规程》",
    clause="设计使用年限",
    status=SourceStatus.GENERAL_KNOWLEDGE,
    note="a cylinder past its design life meets a scrapping condition (GB 45067-2024 4.1 a)",
)

"""A synthetic, seeded city: a Henan prefecture with its real GB/T 2260 county codes, use units of many
industries (GB/T 4754) and sizes — some grouped in parks, some flagged as demonstration enterprises — and
equipment of all nine classes with the parameters their class plugins declare, plus the people who operate it.

Nothing here is real: names are made up, identifiers are *valid* under the SDK's rules (USCC and organisation
check characters, 18-character equipment codes, ``梯11豫A00001(17)`` registration numbers with the city's plate
letter, six-digit 96333 rescue codes), so the demo exercises the paths that clean real data takes. The same seed
always gives the same city.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from dualprev_sdk import ids
from dualprev_sdk.regions import default_region_table

__all__ = [
    "CITIES",
    "LEDGER_HEADERS",
    "City",
    "EquipmentSpec",
    "PersonSpec",
    "UnitSpec",
    "generate_city",
    "write_ledger",
]

#: Prefectures the generator knows: code → (name, park names). Park names are labels for synthetic units, not
#: data about the real development zones. The plate letter of each city comes from the shipped
#: registration-number table (:func:`_plate_letter`), like the identifier validators use.
CITIES: Mapping[str, tuple[str, tuple[str, ...]]] = {
    "410100": ("郑州市", ("郑州经济技术开发区", "郑州高新技术产业开发区")),
    "410300": ("洛阳市", ("洛阳高新技术产业开发区", "洛阳伊滨经济开发区")),
}


def _plate_letter(prefecture: str) -> str:
    letters = ids._tables()["registration_number"]["city_letters"]["41"]["letters"]
    return next(str(letter) for letter, entry in letters.items() if entry["region"] == prefecture)


#: The demo's reference date: everything is dated relative to it, so a run is independent of the wall clock.
DEMO_TODAY = dt.date(2025, 12, 1)

_USCC_BODY = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚鹏辉华建国红"


@attrs.frozen(kw_only=True)
class _Variety:
    code: str  # 2014 catalogue variety (or category) code
    name_zh: str
    registration_char: str  # the kind character of the use-registration number (梯, 起, …)
    design_life: int
    parameters: Mapping[str, Any] | None  # varied per item by _vary
    maker: str
    model_prefix: str
    building: str
    area: str


_V: dict[str, _Variety] = {
    v.code: v
    for v in (
        _Variety(
            code="1100",
            name_zh="燃气蒸汽锅炉",
            registration_char="锅",
            design_life=15,
            parameters={
                "rated_pressure_mpa": 1.25,
                "rated_evaporation_t_h": 4,
                "water_volume_l": 6500,
                "medium": "steam",
                "fuel": "gas",
                "utility": False,
            },
            maker="郑锅股份有限公司",
            model_prefix="WNS4-1.25-Q",
            building="锅炉房",
            area="锅炉间",
        ),
        _Variety(
            code="1200",
            name_zh="燃气热水锅炉",
            registration_char="锅",
            design_life=15,
            parameters={
                "rated_pressure_mpa": 1.0,
                "rated_evaporation_t_h": 2.8,
                "water_volume_l": 5200,
                "medium": "hot_water",
                "fuel": "gas",
                "utility": True,
            },
            maker="郑锅股份有限公司",
            model_prefix="WNS2.8-1.0/95/70-Q",
            building="锅炉房",
            area="锅炉间",
        ),
        _Variety(
            code="2150",
            name_zh="储气罐",
            registration_char="容",
            design_life=20,
            parameters={
                "design_pressure_mpa": 1.0,
                "max_working_pressure_mpa": 0.8,
                "volume_l": 2000,
                "inner_diameter_mm": 1000,
                "medium": "压缩空气",
                "medium_phase": "gas",
                "vessel_class": "II",
                "safety_grade": 2,
            },
            maker="华中压力容器有限公司",
            model_prefix="C-2.0/0.8",
            building="空压站",
            area="储气罐区",
        ),
        _Variety(
            code="2170",
            name_zh="分汽缸",
            registration_char="容",
            design_life=20,
            parameters={
                "design_pressure_mpa": 1.6,
                "max_working_pressure_mpa": 1.2,
                "volume_l": 800,
                "inner_diameter_mm": 600,
                "medium": "蒸汽",
                "medium_phase": "gas",
                "vessel_class": "I",
                "safety_grade": 1,
            },
            maker="华中压力容器有限公司",
            model_prefix="FQG-600",
            building="锅炉房",
            area="分汽间",
        ),
        _Variety(
            code="2310",
            name_zh="液化石油气钢瓶组",
            registration_char="瓶",
            design_life=8,
            parameters={
                "medium": "液化石油气",
                "medium_category": "lpg",
                "nominal_working_pressure_mpa": 2.1,
                "volume_l": 118,
                "material": "steel",
                "construction": "welded",
            },
            maker="豫中气瓶制造有限公司",
            model_prefix="YSP118",
            building="气瓶间",
            area="瓶组间",
        ),
        _Variety(
            code="3110",
            name_zh="乘客电梯",
            registration_char="梯",
            design_life=15,
            parameters={
                "rated_load_kg": 1000,
                "rated_speed_m_s": 1.75,
                "stops": 18,
                "machine_room": "machine_roomless",
                "drive": "traction",
            },
            maker="示例电梯有限公司",
            model_prefix="TKJ1000/1.75",
            building="主楼",
            area="电梯厅",
        ),
        _Variety(
            code="3120",
            name_zh="载货电梯",
            registration_char="梯",
            design_life=15,
            parameters={
                "rated_load_kg": 2000,
                "rated_speed_m_s": 0.5,
                "stops": 5,
                "machine_room": "machine_room",
                "drive": "traction",
            },
            maker="示例电梯有限公司",
            model_prefix="THJ2000/0.5",
            building="仓储楼",
            area="货梯厅",
        ),
        _Variety(
            code="3310",
            name_zh="自动扶梯",
            registration_char="梯",
            design_life=20,
            parameters=None,
            maker="示例电梯有限公司",
            model_prefix="FT-30-1000",
            building="商场",
            area="中庭",
        ),
        _Variety(
            code="4110",
            name_zh="通用桥式起重机",
            registration_char="起",
            design_life=20,
            parameters={"crane_type": "bridge", "rated_capacity_t": 10, "span_m": 22.5, "lifting_height_m": 12},
            maker="中原起重机械有限公司",
            model_prefix="QD10-22.5",
            building="一号车间",
            area="装配区",
        ),
        _Variety(
            code="4170",
            name_zh="电动单梁起重机",
            registration_char="起",
            design_life=20,
            parameters={"crane_type": "bridge", "rated_capacity_t": 5, "span_m": 16.5, "lifting_height_m": 9},
            maker="中原起重机械有限公司",
            model_prefix="LDA5-16.5",
            building="二号车间",
            area="加工区",
        ),
        _Variety(
            code="4210",
            name_zh="通用门式起重机",
            registration_char="起",
            design_life=20,
            parameters={"crane_type": "gantry", "rated_capacity_t": 20, "span_m": 26, "lifting_height_m": 10},
            maker="中原起重机械有限公司",
            model_prefix="MG20-26",
            building="堆场",
            area="装卸区",
        ),
        _Variety(
            code="5110",
            name_zh="叉车",
            registration_char="车",
            design_life=10,
            parameters={
                "vehicle_type": "forklift",
                "rated_capacity_kg": 3000,
                "power": "electric",
                "max_speed_km_h": 15,
                "safety_monitoring_device": True,
            },
            maker="豫北叉车股份有限公司",
            model_prefix="CPD30",
            building="仓库",
            area="装卸区",
        ),
        _Variety(
            code="5200",
            name_zh="观光车",
            registration_char="车",
            design_life=8,
            parameters=None,
            maker="中原观光车有限公司",
            model_prefix="GD14",
            building="景区",
            area="游览道路",
        ),
        _Variety(
            code="6100",
            name_zh="摩天轮",
            registration_char="游",
            design_life=20,
            parameters={"grade": "A", "max_speed_m_s": 0.2, "height_m": 88, "passengers_count": 240},
            maker="中原游乐设备有限公司",
            model_prefix="MTL88",
            building="游乐园",
            area="观览区",
        ),
        _Variety(
            code="6200",
            name_zh="过山车",
            registration_char="游",
            design_life=15,
            parameters={
                "grade": "A",
                "max_speed_m_s": 20,
                "height_m": 30,
                "passengers_count": 24,
                "track_length_m": 680,
            },
            maker="中原游乐设备有限公司",
            model_prefix="GSC24",
            building="游乐园",
            area="惊险区",
        ),
        _Variety(
            code="8320",
            name_zh="蒸汽动力管道",
            registration_char="管",
            design_life=20,
            parameters={
                "pipe_class": "GC2",
                "nominal_diameter_mm": 150,
                "length_m": 820,
                "design_pressure_mpa": 1.6,
                "max_working_pressure_mpa": 1.0,
                "medium": "蒸汽",
                "medium_phase": "steam",
                "material": "steel",
                "safety_grade": 2,
            },
            maker="中原管道工程有限公司",
            model_prefix="DN150",
            building="厂区",
            area="管廊",
        ),
        _Variety(
            code="9120",
            name_zh="循环式客运架空索道",
            registration_char="索",
            design_life=30,
            parameters={
                "ropeway_type": "aerial_circulating",
                "length_m": 2100,
                "vertical_rise_m": 620,
                "speed_m_s": 6,
                "capacity_persons_h": 1800,
                "carriers_count": 96,
                "detachable_grips": True,
            },
            maker="中原索道工程有限公司",
            model_prefix="SD2100",
            building="索道站",
            area="下站",
        ),
    )
}


@attrs.frozen(kw_only=True)
class _Industry:
    code: str  # GB/T 4754-2017 division
    name_zh: str  # what the unit name says it does
    equipment: tuple[tuple[str, int, int], ...]  # (variety, min, max) per unit
    crowded: str | None = None  # crowded-place type for its lifts and rides
    in_park: bool = False  # industrial units are the ones put in parks


_INDUSTRIES: tuple[_Industry, ...] = (
    _Industry(code="K70", name_zh="物业服务", equipment=(("3110", 2, 8),), crowded=None),
    _Industry(
        code="F52", name_zh="商业管理", equipment=(("3110", 1, 4), ("3310", 2, 6), ("3120", 0, 1)), crowded="mall"
    ),
    _Industry(
        code="C34",
        name_zh="机械制造",
        equipment=(("4110", 1, 3), ("4170", 1, 2), ("5110", 1, 3), ("2150", 1, 1)),
        in_park=True,
    ),
    _Industry(
        code="C26",
        name_zh="化工",
        equipment=(("2150", 1, 2), ("2170", 0, 1), ("1100", 1, 1), ("8320", 1, 1), ("5110", 0, 2)),
        in_park=True,
    ),
    _Industry(
        code="C13",
        name_zh="食品加工",
        equipment=(("1100", 1, 1), ("2170", 1, 1), ("5110", 1, 2), ("3120", 0, 1)),
        in_park=True,
    ),
    _Industry(code="G59", name_zh="仓储物流", equipment=(("5110", 2, 5), ("4210", 0, 1), ("3120", 0, 2)), in_park=True),
    _Industry(
        code="Q84", name_zh="医院", equipment=(("3110", 2, 6), ("1200", 0, 1), ("2150", 0, 1)), crowded="hospital"
    ),
    _Industry(code="P83", name_zh="学校", equipment=(("3110", 1, 3), ("1200", 0, 1)), crowded="school"),
    _Industry(code="H61", name_zh="酒店", equipment=(("3110", 1, 4), ("1200", 1, 1), ("2310", 0, 1))),
    _Industry(code="D45", name_zh="燃气供应", equipment=(("2310", 1, 2), ("2150", 1, 1), ("5110", 0, 1))),
    _Industry(
        code="R90",
        name_zh="文化旅游",
        equipment=(("6100", 0, 1), ("6200", 1, 1), ("5200", 1, 2), ("9120", 0, 1)),
        crowded="park",
    ),
)
_SIZES = ("large", "medium", "small", "micro")
_SIZE_WEIGHTS = (1, 3, 4, 3)


@attrs.frozen(kw_only=True)
class EquipmentSpec:
    """One generated piece of equipment, as a ledger row describes it, plus the parameters set after import."""

    internal_number: str
    catalog_code: str
    name: str
    equipment_code: str
    registration_number: str
    model: str
    manufacturer: str
    building: str
    floor: str
    area: str
    crowded_place: str | None
    manufactured_on: dt.date
    commissioned_on: dt.date
    design_life_years: int
    next_inspection_due: dt.date
    last_inspected_on: dt.date
    rescue_code: str | None
    parameters: Mapping[str, Any] | None


@attrs.frozen(kw_only=True)
class PersonSpec:
    """An operator with a TSG Z6001 certificate for the classes they work on."""

    name: str
    phone: str
    category_code: str
    certificate_number: str
    issued_on: dt.date
    expires_on: dt.date
    operates: tuple[str, ...]  # internal numbers of the equipment they operate


@attrs.frozen(kw_only=True)
class UnitSpec:
    """One generated use unit."""

    uscc: str
    name: str
    region_code: str
    industry: str
    industry_zh: str
    size_class: str
    park: str | None
    address: str
    principal: str
    safety_director: str
    safety_officer: str
    phones: tuple[str, str, str]
    demonstration: bool
    equipment: tuple[EquipmentSpec, ...]
    people: tuple[PersonSpec, ...]


@attrs.frozen(kw_only=True)
class City:
    """The generated city: a prefecture, its parks and its units."""

    seed: int
    region_code: str
    name_zh: str
    parks: tuple[str, ...]
    units: tuple[UnitSpec, ...]
    today: dt.date

    @property
    def equipment_count(self) -> int:
        return sum(len(u.equipment) for u in self.units)


_SIZE_UNITS = {"small": 12, "medium": 48}


def _person_name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN) + (rng.choice(_GIVEN) if rng.random() < 0.6 else "")


def _phone(rng: random.Random) -> str:
    return f"13{rng.randint(0, 9)}{rng.randint(0, 99_999_999):08d}"


def _uscc(rng: random.Random, region_code: str, seen: set[str]) -> str:
    """A USCC passing GB 32100 and the embedded GB 11714 organisation-code check, not yet used."""
    while True:
        body = "MA" + "".join(rng.choice(_USCC_BODY) for _ in range(6))
        org = body + ids.organization_code_check_character(body)
        first17 = "91" + region_code + org
        if all(ch in _USCC_BODY for ch in first17):
            code = first17 + ids.uscc_check_character(first17)
            if code not in seen:
                seen.add(code)
                return code


def _vary(parameters: Mapping[str, Any] | None, rng: random.Random) -> dict[str, Any] | None:
    """Realistic spread around the template: loads, speeds and capacities from the usual series."""
    if parameters is None:
        return None
    out = dict(parameters)
    if "rated_load_kg" in out and out["rated_load_kg"] <= 1600:
        out["rated_load_kg"] = rng.choice((630, 800, 1000, 1050, 1350, 1600))
        out["rated_speed_m_s"] = rng.choice((1.0, 1.5, 1.75, 2.0, 2.5))
        out["stops"] = rng.randint(6, 32)
    if "rated_capacity_kg" in out:
        out["rated_capacity_kg"] = rng.choice((1500, 2000, 2500, 3000, 3500, 5000))
        out["power"] = rng.choice(("electric", "electric", "internal_combustion"))
    if "rated_capacity_t" in out and out.get("crane_type") == "bridge":
        out["rated_capacity_t"] = rng.choice((3, 5, 10, 16, 20, 32))
    if "volume_l" in out and "vessel_class" in out:
        out["volume_l"] = rng.choice((500, 1000, 2000, 3000, 5000))
    return out


def _county_codes(prefecture: str) -> list[str]:
    table = default_region_table()
    prefix = prefecture[:4]
    return sorted(c for c in table.codes(include_retired=False) if c.startswith(prefix) and not c.endswith("00"))


def generate_city(
    *, seed: int = 2021, size: str = "medium", region_code: str = "410100", today: dt.date = DEMO_TODAY
) -> City:
    """A deterministic city for ``seed``: ``size`` "small" (12 units) or "medium" (48 units), in prefecture
    ``region_code`` (one of :data:`CITIES`). Every class appears at least once at either size."""
    if size not in _SIZE_UNITS:
        raise ValueError(f"size must be one of {sorted(_SIZE_UNITS)}, not {size!r}")
    if region_code not in CITIES:
        raise ValueError(f"region_code must be one of {sorted(CITIES)}, not {region_code!r}")
    rng = random.Random(seed)
    city_name, parks = CITIES[region_code]
    letter = _plate_letter(region_code)
    counties = _county_codes(region_code)
    table = default_region_table()
    seen: set[str] = set()
    code_sequence: dict[tuple[str, int], int] = {}
    registration_sequence: dict[tuple[str, int], int] = {}
    rescue = 410_000 + rng.randint(0, 50_000)
    units: list[UnitSpec] = []
    count = _SIZE_UNITS[size]
    for number in range(count):
        industry = _INDUSTRIES[number % len(_INDUSTRIES)]
        county = counties[rng.randrange(len(counties))]
        county_name = table.get(county)
        county_zh = county_name.name if county_name is not None else ""
        uscc = _uscc(rng, county, seen)
        size_class = rng.choices(_SIZES, _SIZE_WEIGHTS)[0]
        park = parks[number % len(parks)] if (industry.in_park and rng.random() < 0.9) or rng.random() < 0.15 else None
        name = f"{city_name[:-1]}{county_zh[:2]}{_TRADE_NAMES[number % len(_TRADE_NAMES)]}{industry.name_zh}有限公司"
        if industry.code in ("Q84", "P83"):
            name = f"{city_name[:-1]}{_TRADE_NAMES[number % len(_TRADE_NAMES)]}{industry.name_zh}"
        equipment: list[EquipmentSpec] = []
        for variety_code, low, high in industry.equipment:
            many = rng.randint(low, high)
            if size_class == "micro":
                many = min(many, 1)
            for _ in range(many):
                equipment.append(
                    _equipment(
                        rng,
                        _V[variety_code],
                        position=len(equipment) + 1,
                        letter=letter,
                        industry=industry,
                        today=today,
                        code_sequence=code_sequence,
                        registration_sequence=registration_sequence,
                        rescue=rescue,
                    )
                )
                if variety_code.startswith("3"):
                    rescue += 1
        if not equipment:
            first = industry.equipment[0][0]
            equipment.append(
                _equipment(
                    rng,
                    _V[first],
                    position=1,
                    letter=letter,
                    industry=industry,
                    today=today,
                    code_sequence=code_sequence,
                    registration_sequence=registration_sequence,
                    rescue=rescue,
                )
            )
            rescue += 1
        people = tuple(_people(rng, equipment, today))
        units.append(
            UnitSpec(
                uscc=uscc,
                name=name,
                region_code=county,
                industry=industry.code,
                industry_zh=industry.name_zh,
                size_class=size_class,
                park=park,
                address=f"{city_name}{county_zh}{_STREETS[number % len(_STREETS)]}{rng.randint(1, 399)}号",
                principal=_person_name(rng),
                safety_director=_person_name(rng),
                safety_officer=_person_name(rng),
                phones=(_phone(rng), _phone(rng), _phone(rng)),
                demonstration=False,
                equipment=tuple(equipment),
                people=people,
            )
        )
    units = _flag_demonstrations(units, rng)
    return City(seed=seed, region_code=region_code, name_zh=city_name, parks=parks, units=tuple(units), today=today)


_TRADE_NAMES = ("金桥", "中原", "嵩山", "黄河", "商都", "绿城", "天成", "宏达", "瑞丰", "华夏", "鼎盛", "恒通")
_STREETS = ("花园路", "建设路", "中原路", "经三路", "农业路", "金水路", "航海路", "大学路", "嵩山路", "商都路")

#: TSG Z6001-2019 operator categories per kind (the class plugins' required certificates for these varieties).
_CERTIFICATES = {"1": "G1", "2": "R1", "3": "T", "4": "Q2", "5": "N1", "6": "Y2", "8": "", "9": "S2"}


def _equipment(
    rng: random.Random,
    variety: _Variety,
    *,
    position: int,
    letter: str,
    industry: _Industry,
    today: dt.date,
    code_sequence: dict[tuple[str, int], int],
    registration_sequence: dict[tuple[str, int], int],
    rescue: int,
) -> EquipmentSpec:
    year = rng.randint(2008, today.year - 1)
    made = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
    commissioned = min(made + dt.timedelta(days=rng.randint(30, 300)), today - dt.timedelta(days=30))
    key = (variety.code, year)
    code_sequence[key] = code_sequence.get(key, 0) + 1
    equipment_code = f"{variety.code}10{rng.randint(1, 40):03d}{year}{code_sequence[key]:05d}"
    reg_key = (variety.registration_char + variety.code[1:3], commissioned.year)
    registration_sequence[reg_key] = registration_sequence.get(reg_key, 0) + 1
    registration = (
        f"{variety.registration_char}{variety.code[1:3]}豫{letter}"
        f"{registration_sequence[reg_key]:05d}({commissioned.year % 100:02d})"
    )
    # Most items are inspected and valid; about one in eight is overdue, one in six due within a month.
    roll = rng.random()
    if roll < 0.12:
        next_due = today - dt.timedelta(days=rng.randint(5, 60))
    elif roll < 0.28:
        next_due = today + dt.timedelta(days=rng.randint(1, 30))
    else:
        next_due = today + dt.timedelta(days=rng.randint(31, 330))
    last = max(commissioned, next_due - dt.timedelta(days=365))
    last = min(last, today - dt.timedelta(days=1))
    is_lift = variety.code.startswith("3")
    crowded = industry.crowded if (is_lift or variety.code.startswith(("6", "9"))) else None
    parameters = _vary(variety.parameters, rng)
    rescue_code = f"{rescue % 1_000_000:06d}" if is_lift else None
    if parameters is not None and is_lift:
        parameters["rescue_code"] = rescue_code
    floors = ("1F", "2F", "3F", "B1") if is_lift else ("1F",)
    return EquipmentSpec(
        internal_number=f"SB-{position:03d}",
        catalog_code=variety.code,
        name=f"{position}号{variety.name_zh}",
        equipment_code=equipment_code,
        registration_number=registration,
        model=f"{variety.model_prefix}",
        manufacturer=variety.maker,
        building=variety.building if not is_lift else rng.choice(("A座", "B座", variety.building)),
        floor=rng.choice(floors),
        area=variety.area,
        crowded_place=crowded,
        manufactured_on=made,
        commissioned_on=commissioned,
        design_life_years=variety.design_life,
        next_inspection_due=next_due,
        last_inspected_on=last,
        rescue_code=rescue_code,
        parameters=parameters,
    )


def _people(rng: random.Random, equipment: Sequence[EquipmentSpec], today: dt.date) -> list[PersonSpec]:
    """One certified operator per kind the unit uses (lifts need no operator in units that only ride them)."""
    by_category: dict[str, list[str]] = {}
    for item in equipment:
        category = _CERTIFICATES.get(item.catalog_code[0], "")
        if category and category != "T":
            by_category.setdefault(category, []).append(item.internal_number)
    people: list[PersonSpec] = []
    for category, operated in sorted(by_category.items()):
        issued = today - dt.timedelta(days=rng.randint(200, 1800))
        expires = dt.date(issued.year + 4, issued.month, min(issued.day, 28))
        people.append(
            PersonSpec(
                name=_person_name(rng),
                phone=_phone(rng),
                category_code=category,
                certificate_number=f"TS{rng.randint(10**11, 10**12 - 1)}",
                issued_on=issued,
                expires_on=expires,
                operates=tuple(operated),
            )
        )
    return people


def class_group(catalog_code: str) -> str:
    """The equipment class a catalogue code belongs to, as the nine plugins divide them: the kind digit, except
    that gas cylinders (23xx) are a class of their own within pressure vessels (2000)."""
    return catalog_code[:2] if catalog_code.startswith("23") else catalog_code[0]


def _flag_demonstrations(units: list[UnitSpec], rng: random.Random) -> list[UnitSpec]:
    """The seed asks for 1–2 demonstration enterprises per city and equipment class: flag one medium or large
    unit per kind present (a unit may demonstrate several kinds)."""
    flagged: set[str] = set()
    group = class_group
    for kind in sorted({group(e.catalog_code) for u in units for e in u.equipment}):
        users = [u for u in units if any(group(e.catalog_code) == kind for e in u.equipment)]
        candidates = [u for u in users if u.size_class in ("large", "medium")] or users
        flagged.add(candidates[rng.randrange(len(candidates))].uscc)
    return [attrs.evolve(u, demonstration=u.uscc in flagged) for u in units]


#: The ledger columns the generator writes (headings of the import template, docs/ledger-import.md).
LEDGER_HEADERS: tuple[str, ...] = (
    "使用单位名称",
    "统一社会信用代码",
    "所在地区(行政区划代码)",
    "单位地址",
    "所属行业",
    "企业规模",
    "所在园区",
    "设备类别(代码)",
    "设备品种(代码)",
    "设备代码",
    "使用登记证编号",
    "单位内编号",
    "设备名称",
    "型号",
    "制造单位",
    "使用地点",
    "楼栋",
    "楼层",
    "区域",
    "是否公众聚集场所",
    "场所类型",
    "设备状态",
    "制造日期",
    "投用日期",
    "设计使用年限",
    "下次检验日期",
    "安全员",
    "96333救援码",
)

_PLACE_ZH = {"mall": "商场", "hospital": "医院", "school": "学校", "park": "公园"}
_SIZE_ZH = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}


def ledger_rows(city: City) -> list[list[str]]:
    """The city's equipment ledger as cell text in :data:`LEDGER_HEADERS` order (one row per item)."""
    rows: list[list[str]] = []
    for unit in city.units:
        for item in unit.equipment:
            category = item.catalog_code[:2] + "00"
            rows.append(
                [
                    unit.name,
                    unit.uscc,
                    unit.region_code,
                    unit.address,
                    unit.industry,
                    _SIZE_ZH[unit.size_class],
                    unit.park or "",
                    category,
                    item.catalog_code,
                    item.equipment_code,
                    item.registration_number,
                    item.internal_number,
                    item.name,
                    item.model,
                    item.manufacturer,
                    unit.address,
                    item.building,
                    item.floor,
                    item.area,
                    "是" if item.crowded_place else "否",
                    _PLACE_ZH.get(item.crowded_place or "", ""),
                    "在用",
                    item.manufactured_on.isoformat(),
                    item.commissioned_on.isoformat(),
                    str(item.design_life_years),
                    item.next_inspection_due.isoformat(),
                    unit.safety_officer,
                    item.rescue_code or "",
                ]
            )
    return rows


def write_ledger(city: City, path: str | Path) -> Path:
    """Write the city's ledger as an xlsx workbook (one sheet 设备台账 under a title row, as units keep it)."""
    import openpyxl

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook: Any = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("设备台账")
    sheet.append([f"{city.name_zh}特种设备台账（演示数据，种子 {city.seed}）"])
    sheet.append(list(LEDGER_HEADERS))
    for row in ledger_rows(city):
        sheet.append(row)
    workbook.save(path)
    return path

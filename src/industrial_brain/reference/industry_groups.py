"""Industry groups of the NBS 2017 42-sector input–output classification.

* :data:`THREE_INDUSTRIES_NBS42` — primary / secondary / tertiary industry (三次产业) of each sector,
  by the NBS rules 《三次产业划分规定》 (2012, revised 2018): the primary industry is agriculture,
  forestry, animal husbandry and fishery (01); the secondary industry is mining, manufacturing,
  electricity, heat, gas and water, and construction (02–22, 24–27); the tertiary industry is every
  service, *including* the repair of metal products, machinery and equipment (23, GB/T 4754 C43),
  which the rules move out of manufacturing. Sector 01 of the IO tables also holds the agricultural
  support services that the rules count as tertiary; the 42-sector tables cannot split them.
* :data:`MANUFACTURING_NBS42` — the manufacturing sectors (GB/T 4754-2017 section C, divisions
  13–43): 06–23.

References
----------
国家统计局 (2018), 《三次产业划分规定》 (2012 年制定, 2018 年修订), 国统设管函〔2018〕74 号.
GB/T 4754-2017 《国民经济行业分类》. NBS (2019), 《2017 年中国投入产出表》 sector list (42 sectors).
"""

from __future__ import annotations

from types import MappingProxyType

__all__ = [
    "CAICT_PENETRATION",
    "CAICT_SOURCE",
    "INDUSTRY_NAMES",
    "MANUFACTURING_NBS42",
    "THREE_INDUSTRIES_NBS42",
]

#: Group code → (English, Chinese) name.
INDUSTRY_NAMES = MappingProxyType(
    {
        "primary": ("primary industry", "第一产业"),
        "secondary": ("secondary industry", "第二产业"),
        "tertiary": ("tertiary industry", "第三产业"),
    }
)

#: Digital-economy penetration (数字经济渗透率) by industry as the project's seeds cite it (CAICT):
#: the value added of industrial digitalisation as a share of each industry's value added. Another
#: definition than the input–output intensities of :mod:`industrial_brain.meso.digital_by_industry`.
CAICT_PENETRATION = MappingProxyType({"primary": 0.1078, "secondary": 0.2503, "tertiary": 0.4563})
CAICT_SOURCE = (
    "中国信息通信研究院 (CAICT), 《中国数字经济发展研究报告》: digital-economy penetration of the primary, "
    "secondary and tertiary industries, 10.78 % / 25.03 % / 45.63 % as cited in the project's seeds "
    "(dated 2022 there)"
)


def _group(code: int) -> str:
    if code == 1:
        return "primary"
    if code <= 27 and code != 23:
        return "secondary"
    return "tertiary"


#: NBS 42-sector code (``"01"`` … ``"42"``) → ``primary`` | ``secondary`` | ``tertiary``.
THREE_INDUSTRIES_NBS42 = MappingProxyType({f"{c:02d}": _group(c) for c in range(1, 43)})

#: The manufacturing sectors of the NBS 42-sector tables (GB/T 4754 section C): 06–23.
MANUFACTURING_NBS42: tuple[str, ...] = tuple(f"{c:02d}" for c in range(6, 24))

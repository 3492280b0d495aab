"""Stratification (and minimisation) factors: each reads a level from what was locked at submission (the baseline)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Factor:
    code: str
    label: str
    levels: Callable[[], list[str]]
    level_of: Callable[[object], str]  # a CaseBaseline -> its level


def _area(baseline) -> str:
    return baseline.home_postcode_area if baseline.home_postcode_area in settings.FORCE_POSTCODE_AREAS else "other"


FACTORS = {
    factor.code: factor for factor in [
        Factor("area", "Area (home postcode area)", lambda: [*settings.FORCE_POSTCODE_AREAS, "other"], _area),
        Factor("route", "Route", lambda: ["deferred_caution", "deferred_charge"], lambda b: b.route or "deferred_caution"),
        Factor("age_band", "Age band (18 to 25, 26 and over)", lambda: ["18-25", "26+"],
               lambda b: "18-25" if b.age <= 25 else "26+"),
        Factor("sex", "Sex", lambda: ["female", "male", "not_known"], lambda b: b.sex),
        Factor("previous", "Previous offending (risk)", lambda: ["none", "some"],
               lambda b: "some" if (b.previous_offences + b.previous_cautions + b.previous_convictions) else "none"),
    ]
}

CHOICES = [(factor.code, factor.label) for factor in FACTORS.values()]


def levels_for(codes: list[str]) -> dict[str, list[str]]:
    return {code: FACTORS[code].levels() for code in codes}


def person_levels(codes: list[str], baseline) -> dict[str, str]:
    return {code: FACTORS[code].level_of(baseline) for code in codes}

"""Workload maths and the recommended keyworker: pure functions, no database.

A keyworker's load is the points of their open cases over their capacity
(capacity points x full-time equivalent). The recommendation explains itself:
every reason it gives is one a supervisor can check.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from cases.models import Case


# A keyworker's load, in percent of capacity, from which they are over capacity (red on every page; supervisors are
# reminded; a supervisor must give a reason to allocate them more), and from which they are near it (amber).
# The one home of both: use over_capacity() and near_capacity(), never the numbers.
OVER_CAPACITY = 100
NEAR_CAPACITY = 85


def over_capacity(load: int) -> bool:
    """At or over capacity: exactly 100% is full, and counts as over."""
    return load >= OVER_CAPACITY


def near_capacity(load: int) -> bool:
    """Near capacity but not over it."""
    return NEAR_CAPACITY <= load < OVER_CAPACITY


# Points a case carries, by its state, before any enhanced-offer extra.
TO_CONTACT, ASSESSMENT, ACTIVE = Case.Status.ALLOCATED, Case.Status.ASSESSMENT, Case.Status.ACTIVE


@dataclass(frozen=True)
class Weights:
    to_contact: int = 2
    assessment: int = 3
    active: int = 2
    enhanced: int = 1


def case_points(status: str, *, enhanced: bool, weights: Weights) -> int:
    """Points of one open case; a closed or unallocated case weighs nothing."""
    base = {TO_CONTACT: weights.to_contact, ASSESSMENT: weights.assessment, ACTIVE: weights.active}.get(status, 0)
    return base + (weights.enhanced if base and enhanced else 0)


def load_percent(points: int, capacity_points: int, fte: Decimal | float) -> int:
    """Points as a whole percentage of capacity; no capacity at all counts as full."""
    capacity = Decimal(capacity_points) * Decimal(str(fte))
    if capacity <= 0:
        return 100 if points == 0 else 999
    return int((Decimal(points) * 100 / capacity).to_integral_value())


@dataclass(frozen=True)
class Candidate:
    """A keyworker as the chooser sees them."""

    user_id: int
    name: str
    load: int  # percent
    available: bool  # neither on leave nor inactive
    area: str = ""
    women: bool = False
    young_adults: bool = False
    allocated_last_7_days: int = 0
    domestic_abuse: bool = False


@dataclass(frozen=True)
class CaseNeeds:
    area: str = ""
    womens_offer: bool = False
    young_adult_offer: bool = False
    previous_keyworker_id: int | None = None
    domestic_abuse: bool = False


@dataclass(frozen=True)
class Recommendation:
    user_id: int
    reasons: list[str] = field(default_factory=list)


def recommend(candidates: list[Candidate], needs: CaseNeeds) -> Recommendation | None:
    """The keyworker to suggest, and why; None when nobody is available.

    Only available keyworkers under capacity are considered, unless every
    available one is at or over capacity. Among them the best score wins:
    continuity for a returning person 8, each specialism the case needs 2, the
    same area 1, less one for every 25% of load, so that a specialist is
    preferred only while they have room and loads stay fair. Ties go to the
    lowest load, then to whoever was given fewest cases in the last 7 days,
    then by name.
    """
    available = [c for c in candidates if c.available]
    if not available:
        return None
    under_capacity = [c for c in available if not over_capacity(c.load)]
    pool = under_capacity or available

    def match(candidate: Candidate) -> list[str]:
        reasons = []
        if needs.previous_keyworker_id == candidate.user_id:
            reasons.append("Previous keyworker of this returning person")
        if needs.womens_offer and candidate.women:
            reasons.append("Women's specialism for the women's offer")
        if needs.young_adult_offer and candidate.young_adults:
            reasons.append("Young adults specialism for the young adult offer")
        if needs.domestic_abuse and candidate.domestic_abuse:
            reasons.append("Domestic abuse specialism for a domestic-abuse crime")
        if needs.area and candidate.area == needs.area:
            reasons.append(f"Covers the person's area ({needs.area})")
        return reasons

    def score(candidate: Candidate) -> float:
        return (
            8 * (needs.previous_keyworker_id == candidate.user_id)
            + 2 * (needs.womens_offer and candidate.women)
            + 2 * (needs.young_adult_offer and candidate.young_adults)
            + 2 * (needs.domestic_abuse and candidate.domestic_abuse)
            + 1 * (bool(needs.area) and candidate.area == needs.area)
            - candidate.load / 25
        )

    best = min(pool, key=lambda c: (-score(c), c.load, c.allocated_last_7_days, c.name))
    reasons = match(best)
    if under_capacity:
        reasons.append(f"Capacity left: {best.load}% loaded")
    else:
        reasons.append(f"Everyone available is at or over capacity: {best.name} has the lowest load ({best.load}%)")
    return Recommendation(user_id=best.user_id, reasons=reasons)

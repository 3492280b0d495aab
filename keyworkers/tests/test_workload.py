from decimal import Decimal

import pytest

from keyworkers.workload import Candidate, CaseNeeds, Weights, case_points, load_percent, recommend

WEIGHTS = Weights(to_contact=2, assessment=3, active=2, enhanced=1)


@pytest.mark.parametrize(
    "status, enhanced, points",
    [
        ("allocated", False, 2), ("allocated", True, 3), ("assessment", False, 3), ("assessment", True, 4),
        ("active", False, 2), ("active", True, 3), ("completed", True, 0), ("awaiting_allocation", False, 0),
    ],
)
def test_case_points_by_state_and_enhanced_offer(status, enhanced, points):
    assert case_points(status, enhanced=enhanced, weights=WEIGHTS) == points


@pytest.mark.parametrize(
    "points, capacity, fte, percent",
    [(30, 60, 1, 50), (30, 60, Decimal("0.5"), 100), (45, 60, Decimal("0.6"), 125), (0, 60, 1, 0), (1, 3, 1, 33),
     (2, 3, 1, 67), (0, 0, 1, 100), (5, 0, 1, 999)],
)
def test_load_is_points_over_capacity_times_hours(points, capacity, fte, percent):
    assert load_percent(points, capacity, fte) == percent


def keyworker(user_id, load, **kwargs):
    return Candidate(user_id=user_id, name=kwargs.pop("name", f"Keyworker {user_id}"), load=load,
                     available=kwargs.pop("available", True), **kwargs)


@pytest.mark.parametrize(
    "candidates, needs, expected, reason",
    [
        # Most capacity left wins when nothing else differs.
        ([keyworker(1, 60), keyworker(2, 20), keyworker(3, 40)], CaseNeeds(), 2, "Capacity left: 20% loaded"),
        # Ties on load go to whoever was given fewest cases this week, then by name.
        ([keyworker(1, 30, allocated_last_7_days=3), keyworker(2, 30, allocated_last_7_days=1)], CaseNeeds(), 2, "Capacity left"),
        ([keyworker(2, 30, name="Zoe"), keyworker(1, 30, name="Amy")], CaseNeeds(), 1, "Capacity left"),
        # Continuity for a returning person outweighs specialism and area while under capacity.
        ([keyworker(1, 80), keyworker(2, 10, women=True, area="PL")], CaseNeeds(area="PL", womens_offer=True, previous_keyworker_id=1),
         1, "Previous keyworker of this returning person"),
        # A specialism the case needs.
        ([keyworker(1, 20), keyworker(2, 30, women=True)], CaseNeeds(womens_offer=True), 2, "Women's specialism for the women's offer"),
        ([keyworker(1, 20), keyworker(2, 30, young_adults=True)], CaseNeeds(young_adult_offer=True), 2, "Young adults specialism"),
        # The same area, between equals.
        ([keyworker(1, 30, area="EX"), keyworker(2, 30, area="TR")], CaseNeeds(area="TR"), 2, "Covers the person's area (TR)"),
        # A busy specialist gives way to a keyworker with room: loads stay fair.
        ([keyworker(1, 90, women=True), keyworker(2, 10)], CaseNeeds(womens_offer=True), 2, "Capacity left: 10% loaded"),
        # Over capacity is left out while anyone has room, even the previous keyworker.
        ([keyworker(1, 100), keyworker(2, 95)], CaseNeeds(previous_keyworker_id=1), 2, "Capacity left: 95% loaded"),
        # Everyone over capacity: the lowest load, and the reason says so.
        ([keyworker(1, 130), keyworker(2, 110)], CaseNeeds(), 2, "Everyone available is at or over capacity"),
        # Leave and inactivity take people out of the running, however free they are.
        ([keyworker(1, 0, available=False), keyworker(2, 70)], CaseNeeds(), 2, "Capacity left: 70% loaded"),
    ],
)
def test_recommendation(candidates, needs, expected, reason):
    recommendation = recommend(candidates, needs)
    assert recommendation.user_id == expected
    assert any(given.startswith(reason) for given in recommendation.reasons), recommendation.reasons


def test_nobody_is_recommended_when_nobody_is_available():
    assert recommend([keyworker(1, 0, available=False)], CaseNeeds()) is None
    assert recommend([], CaseNeeds()) is None

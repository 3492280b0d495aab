"""Every move of the case state machine (design.md section 3): the legal ones, and every illegal one refused."""

import pytest
from django.utils import timezone

from cases.models import Case, CaseStateError

S = Case.Status
NOW = timezone.now()


def move(case: Case, verb: str) -> None:
    actions = {
        "submit": lambda: case.submit(route=Case.Route.DEFERRED_CAUTION, at=NOW),
        "close_ineligible": lambda: case.close_ineligible(at=NOW),
        "allocate": case.allocate,
        "accept_scheme": case.accept_scheme,
        "decline": lambda: case.decline(at=NOW, by=None),
        "start_contract": case.start_contract,
        "complete": lambda: case.complete(at=NOW, by=None),
        "breach": lambda: case.breach(at=NOW, by=None),
        "withdraw": lambda: case.withdraw(at=NOW, by=None, reason="moved_away"),
    }
    actions[verb]()


LEGAL = {
    ("draft", "submit"): S.AWAITING_ALLOCATION,
    ("draft", "close_ineligible"): S.INELIGIBLE,
    ("awaiting_allocation", "allocate"): S.ALLOCATED,
    ("allocated", "accept_scheme"): S.ASSESSMENT,
    ("allocated", "decline"): S.DECLINED,
    ("assessment", "start_contract"): S.ACTIVE,
    ("active", "complete"): S.COMPLETED,
    ("active", "breach"): S.BREACHED,
    ("awaiting_allocation", "withdraw"): S.WITHDRAWN,
    ("allocated", "withdraw"): S.WITHDRAWN,
    ("assessment", "withdraw"): S.WITHDRAWN,
    ("active", "withdraw"): S.WITHDRAWN,
}
VERBS = sorted({verb for _, verb in LEGAL})
ALL_MOVES = [(status, verb) for status in S.values for verb in VERBS]


@pytest.mark.parametrize("status, verb", sorted(LEGAL))
def test_legal_moves_reach_the_next_state(status, verb):
    case = Case(pk=7, status=status)
    move(case, verb)
    assert case.status == LEGAL[(status, verb)]
    if case.status in Case.CLOSED:
        assert case.closed_at == NOW


@pytest.mark.parametrize("status, verb", [move for move in ALL_MOVES if move not in LEGAL])
def test_illegal_moves_are_refused_with_a_readable_sentence(status, verb):
    case = Case(pk=7, status=status)
    with pytest.raises(CaseStateError) as refused:
        move(case, verb)
    assert case.status == status
    assert str(refused.value).startswith(f"Case OOCR-000007 is {Case.Status(status).label.lower()}, so it cannot be")


def test_closed_states_are_terminal():
    for status in Case.CLOSED:
        for verb in VERBS:
            with pytest.raises(CaseStateError):
                move(Case(pk=1, status=status), verb)

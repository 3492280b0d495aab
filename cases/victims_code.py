"""The Victims' Code deadlines of a case: what each victim must be told, by when, and whether it was done.

Pure functions over dates (no database): the selectors gather the dates, this module decides.
The Code's clock for each update starts at an event of the case and runs 5 working days:
restorative justice information after the decision to offer the scheme (the submission), an
update when the resolution is agreed (the contract starts), an update when the case closes.
An update is done by a contact with the victim for that purpose; one left undone when the case
closes carries the keyworker's reason instead, and is then neither due nor late.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from cases.models import VictimContact
from oocr.working_days import add_working_days

WORKING_DAYS = 5
Purpose = VictimContact.Purpose
# Each update, what starts its clock (in words), in the order the case meets them.
CHECKPOINTS = {
    Purpose.RJ_INFORMATION: ("Restorative justice information", "the decision"),
    Purpose.UPDATE_AGREED: ("Update when the resolution is agreed", "the contract being agreed"),
    Purpose.UPDATE_CLOSED: ("Update when the case closes", "the case closing"),
}


@dataclass
class VictimsCodeSources:
    """The facts the Victims' Code reads from the app that keeps contracts and closures (it builds on cases, so it
    sets these in its AppConfig.ready): when each case's contract was agreed, and the keyworker's reason for an
    update left undone at closure. Each takes case ids and answers in one query; until set, there are none."""

    agreed: Callable[[list[int]], dict[int, date]] = lambda case_ids: {}
    not_done_reasons: Callable[[list[int]], dict[int, str]] = lambda case_ids: {}


victims_code_sources = VictimsCodeSources()

# The updates a case cannot close with undone, unless the keyworker records why (the closure's own comes after it).
BEFORE_CLOSURE = (Purpose.RJ_INFORMATION, Purpose.UPDATE_AGREED)


@dataclass(frozen=True)
class VictimsCodeItem:
    case_id: int
    victim_id: int
    victim_name: str
    purpose: str
    started_on: date | None  # None: the event that starts its clock has not happened (yet)
    done_on: date | None
    not_done_reason: str = ""

    @property
    def label(self) -> str:
        return CHECKPOINTS[self.purpose][0]

    @property
    def due_on(self) -> date | None:
        return add_working_days(self.started_on, WORKING_DAYS) if self.started_on else None

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    @property
    def is_due(self) -> bool:
        """Its clock has started and it is neither done nor excused: someone must act."""
        return self.started_on is not None and not self.is_done and not self.not_done_reason

    def is_late(self, today: date) -> bool:
        return self.is_due and self.due_on < today

    def was_late(self) -> bool:
        return self.is_done and self.due_on is not None and self.done_on > self.due_on

    def state(self, today: date) -> str:
        """done, late, due, not_done (a reason recorded) or waiting (its clock has not started)."""
        if self.is_done:
            return "done"
        if self.not_done_reason and self.started_on:
            return "not_done"
        if self.started_on is None:
            return "waiting"
        return "late" if self.is_late(today) else "due"

    @property
    def when(self) -> str:
        """When it is due, in words."""
        if self.due_on:
            return f"by {self.due_on:%-d %B %Y}"
        return f"within {WORKING_DAYS} working days of {CHECKPOINTS[self.purpose][1]}"


def victims_code_case_items(*, case_id: int, victims: list[tuple[int, str, dict[str, date]]], starts: dict[str, date | None],
                            not_done_reason: str = "") -> list[VictimsCodeItem]:
    """Every update each victim of a case is owed. `victims`: (id, name, {purpose: first contact date for it});
    `starts`: when each clock started; `not_done_reason`: why updates due before closure were left undone."""
    return [
        VictimsCodeItem(case_id=case_id, victim_id=victim_id, victim_name=name, purpose=purpose,
                        started_on=starts.get(purpose), done_on=done.get(purpose),
                        not_done_reason=not_done_reason if purpose in BEFORE_CLOSURE else "")
        for victim_id, name, done in victims for purpose in CHECKPOINTS
    ]


def undone_before_closure(items: list[VictimsCodeItem]) -> list[VictimsCodeItem]:
    """The updates due before the case may close that are still to do (whatever the reason they might carry)."""
    return [item for item in items if item.purpose in BEFORE_CLOSURE and item.started_on and not item.is_done]

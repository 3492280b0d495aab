"""A case's own dates in order, and whether a date someone types fits them.

`Case.timeline` builds a `CaseTimeline` from the case's rows (offence, submission,
allocation, first contact, contract start and end with its approved extensions,
closure); every service asks it before it accepts a date. Each `check_*` raises
`ValidationError({field: message})`, the message naming the date the input
conflicts with, so the page shows it at the field ("The contract cannot start
before first contact on 3 November 2026"). The checks themselves touch no
database: a timeline can be built by hand in a test.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Min
from django.utils import timezone


def long_date(day: date) -> str:
    """A date as pages and messages write it: 3 November 2026."""
    return f"{day:%-d %B %Y}"


def _refuse(field: str, message: str):
    raise ValidationError({field: message})


@dataclass(frozen=True)
class CaseTimeline:
    today: date
    date_of_birth: date | None = None
    offence_date: date | None = None  # the earliest offence of the case's crimes
    submitted_on: date | None = None
    allocated_on: date | None = None  # the first allocation: when a keyworker could first act
    first_contact_on: date | None = None  # the scheme offered: the decision date that starts the reoffending clock
    contract_weeks: int | None = None  # also known while the contract is a draft
    contract_start: date | None = None  # the date the person signed
    contract_end: date | None = None  # Contract.end_date: start + weeks + approved extensions, or the early closure date
    closed_on: date | None = None

    @classmethod
    def of(cls, case) -> "CaseTimeline":
        """The timeline of a saved case, read from its rows (a few small queries)."""
        today = timezone.localdate()
        crimes_start = case.crimes.aggregate(first=Min("offence_date"))["first"] if case.pk else None
        allocated_at = case.allocations.aggregate(first=Min("allocated_at"))["first"] if case.pk else None
        try:
            first_contact_on = case.first_contact.offered_on
        except ObjectDoesNotExist:
            first_contact_on = None
        try:
            contract = case.contract
        except ObjectDoesNotExist:
            contract = None
        return cls(
            today=today,
            date_of_birth=case.person.date_of_birth if case.person_id else None,
            offence_date=crimes_start,
            submitted_on=timezone.localdate(case.submitted_at) if case.submitted_at else None,
            allocated_on=timezone.localdate(allocated_at) if allocated_at else None,
            first_contact_on=first_contact_on,
            contract_weeks=contract.weeks if contract else None,
            contract_start=contract.start_date if contract else None,
            contract_end=contract.end_date if contract else None,
            closed_on=timezone.localdate(case.closed_at) if case.closed_at else None,
        )

    # --- What the dates mean together --------------------------------------------------------------------

    @property
    def keyworker_from(self) -> tuple[date, str] | None:
        """The first day a keyworker could act on the case, and what happened then."""
        if self.allocated_on:
            return self.allocated_on, "allocated"
        if self.submitted_on:
            return self.submitted_on, "submitted"
        return None

    def contract_period(self) -> tuple[date, date] | None:
        """The contract's first and last day (with approved extensions), once it is signed."""
        if self.contract_start and self.contract_end:
            return self.contract_start, self.contract_end
        return None

    def in_contract(self, day: date) -> bool:
        period = self.contract_period()
        return period is not None and period[0] <= day <= period[1]

    def _not_future(self, value: date, field: str, what: str) -> None:
        if value > self.today:
            _refuse(field, f"{what} must be today or in the past")

    # --- The person and the crime --------------------------------------------------------------------------

    def check_date_of_birth(self, value: date, *, field: str = "date_of_birth") -> None:
        if value >= self.today:
            _refuse(field, "The date of birth must be in the past")
        if self.offence_date and value >= self.offence_date:
            _refuse(field, f"The date of birth must be before the offence date, {long_date(self.offence_date)}: "
                           "check it, or correct the offence date on the crime page")

    def check_offence_date(self, value: date, *, field: str = "offence_date") -> None:
        self._not_future(value, field, "The offence date")
        if self.date_of_birth and value <= self.date_of_birth:
            _refuse(field, f"The offence date must be after the person's date of birth, {long_date(self.date_of_birth)}")
        if self.submitted_on and value > self.submitted_on:
            _refuse(field, f"The offence date must be on or before the case was submitted on {long_date(self.submitted_on)}")

    def check_victim_asked(self, value: date, *, field: str = "date_asked", what: str = "The date the victim was asked") -> None:
        """A victim is asked (or contacted) after the offence, and not in the future."""
        self._not_future(value, field, what)
        if self.offence_date and value < self.offence_date:
            _refuse(field, f"{what} must be on or after the offence on {long_date(self.offence_date)}")

    # --- The keyworker's work --------------------------------------------------------------------------------

    def check_first_contact(self, value: date, *, field: str = "offered_on") -> None:
        self._not_future(value, field, "The date of the offer")
        start = self.keyworker_from
        if start and value < start[0]:
            _refuse(field, f"The scheme cannot be offered before the case was {start[1]} on {long_date(start[0])}")

    def check_contract_signed(self, value: date, *, field: str = "signed_on") -> None:
        self._not_future(value, field, "The date signed")
        if self.first_contact_on and value < self.first_contact_on:
            _refuse(field, f"The contract cannot start before first contact on {long_date(self.first_contact_on)}")

    def draft_latest_due(self) -> date | None:
        """The latest a condition of a draft contract may be due: the end of a contract agreed today."""
        return self.today + timedelta(weeks=self.contract_weeks) if self.contract_weeks else None

    def check_condition_due(self, value: date, *, field: str = "due_date", what: str = "The due date") -> None:
        """Within the signed contract (with approved extensions); for a draft, from first contact to the end of a
        contract agreed today (signing checks every condition again against the real dates)."""
        period = self.contract_period()
        if period:
            start, end = period
            if value < start:
                _refuse(field, f"{what} must be on or after the contract started on {long_date(start)}")
            if value > end:
                _refuse(field, f"{what} must be on or before the contract ends on {long_date(end)}")
            return
        if self.first_contact_on and value < self.first_contact_on:
            _refuse(field, f"{what} must be on or after first contact on {long_date(self.first_contact_on)}")
        latest = self.draft_latest_due()
        if latest and value > latest:
            _refuse(field, f"{what} must be on or before {long_date(latest)}, when a contract agreed today would end")

    def check_conditions_at_signing(self, signed_on: date, due_dates: list[date], *, field: str = "signed_on") -> None:
        """Every condition of the draft falls within the contract that signing on `signed_on` starts."""
        if not self.contract_weeks:
            return
        end = signed_on + timedelta(weeks=self.contract_weeks)
        early = [day for day in due_dates if day and day < signed_on]
        late = [day for day in due_dates if day and day > end]
        if early:
            _refuse(field, f"A condition is due on {long_date(min(early))}, before the contract would start on "
                           f"{long_date(signed_on)}: remove it and add it again with a later due date")
        if late:
            _refuse(field, f"A condition is due on {long_date(max(late))}, after the contract would end on "
                           f"{long_date(end)}: remove it and add it again with an earlier due date")

    def appointment_outside(self, day: date) -> str | None:
        """Why a contact on `day` is outside the case's working period (allocation to the contract's end), if it is.

        Before a contract is signed the period runs to the end of a contract agreed today.
        """
        start = self.keyworker_from
        if start and day < start[0]:
            return f"The date is before the case was {start[1]} on {long_date(start[0])}"
        end = self.contract_end if self.contract_start else self.draft_latest_due()
        if end and day > end:
            ending = "the contract ends" if self.contract_start else "a contract agreed today would end"
            return f"The date is after {ending} on {long_date(end)}"
        return None

    def check_appointment(self, day: date, *, reason: str, field: str = "outside_reason") -> None:
        """A contact within the working period, or outside it with a reason."""
        outside = self.appointment_outside(day)
        if outside and not reason.strip():
            _refuse(field, f"{outside}: enter why the contact is outside that period, or change the date")

    def check_non_compliance(self, value: date, *, new_offence: bool, field: str = "occurred_on") -> None:
        """Non-compliance happens during the contract; a new offence counts towards breach only if dated within it."""
        self._not_future(value, field, "The date")
        period = self.contract_period()
        if period is None:
            return
        start, end = period
        if new_offence and not start <= value <= end:
            _refuse(field, f"A new offence counts towards breach only if it was during the contract, from "
                           f"{long_date(start)} to {long_date(end)}")
        if value < start:
            _refuse(field, f"The date must be on or after the contract started on {long_date(start)}")

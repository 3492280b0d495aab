"""What is due on a given day, and who must be told: the reads behind the daily reminders job.

Each kind of reminder is one set-based query, whatever the number of contracts,
returning a `Due` per item and recipient. A `Due` carries its period: the due
date for a one-off reminder, or the week since the item fell overdue for one
that repeats weekly until it is dealt with. The job (notifications'
`reminders_record`) sends each (kind, item, recipient, period) once.

An app above this one adds its own kinds with `kinds_register` at start-up (referrals registers the overdue
referral in referrals/reminders.py), so the job covers them without importing them.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from cases.selectors import victims_code_items_owed
from contracts.models import ClosureProposal, Condition, ConditionKind, Contact, Contract, NeedsAssessment, VariationProposal
from keyworkers.models import AllocationReview
from keyworkers.workload import over_capacity
from keyworkers.selectors import keyworker_candidates
from oocr.accounts.roles import Role
from oocr.working_days import day_bounds

OPEN = Case.OPEN_ALLOCATED
MAX_LEAD_DAYS = 14
CONTRACT_ENDING_DAYS = 14
PERSON_CONDITION_DAYS = 3


@dataclass(frozen=True)
class Kind:
    label: str
    audience: str  # "keyworker", "supervisor" or "person"


KINDS = {
    "condition_due": Kind("Conditions due within my notice period", "keyworker"),
    "condition_overdue": Kind("Overdue conditions (weekly until settled)", "keyworker"),
    "appointment_tomorrow": Kind("Appointments tomorrow", "keyworker"),
    "contract_ending": Kind("Contracts ending within 14 days", "keyworker"),
    "closing_assessment": Kind("Closing assessments not done in a contract's last two weeks", "keyworker"),
    "contract_past_end": Kind("Contracts past their end date and not closed (weekly)", "keyworker"),
    "victim_update_due": Kind("Victims' Code updates due within my notice period", "keyworker"),
    "victim_update_late": Kind("Victims' Code updates late (weekly until given or explained)", "keyworker"),
    "review_due": Kind("Allocation reviews due (weekly while overdue)", "supervisor"),
    "case_flagged": Kind("Cases flagged by the non-compliance threshold (weekly)", "supervisor"),
    "proposal_waiting": Kind("Breach, variation and extension proposals waiting (weekly)", "supervisor"),
    "over_capacity": Kind("Keyworkers over capacity (weekly)", "supervisor"),
    "person_appointment": Kind("Appointment reminders to the person, the day before", "person"),
    "person_condition": Kind("Condition deadlines to the person, 3 days before", "person"),
}
STAFF_KINDS = {code: kind for code, kind in KINDS.items() if kind.audience != "person"}
AUDIENCES = ("keyworker", "supervisor", "person")  # the order the kinds are listed in, on the settings page too


@dataclass(frozen=True)
class Due:
    kind: str
    item: str  # "condition:12": what the reminder is about
    period: str  # one-off: the due date; repeating: the week since it fell overdue
    text: str  # no personal data beyond a case number
    url: str = ""
    case_id: int | None = None
    user_id: int | None = None
    person_id: int | None = None
    channel: str = ""  # for a person: sms or email
    address: str = ""

    @property
    def key(self) -> str:
        recipient = f"user{self.user_id}" if self.user_id else f"person{self.person_id}"
        return f"{self.kind}:{self.item}:{recipient}:{self.period}"


def weekly(since: date, on: date) -> str:
    """The period of a repeating reminder: week 0 from the first day overdue, then week 1 seven days later..."""
    return f"{since:%Y-%m-%d}+w{max(0, (on - since).days - 1) // 7}"


def number(case_id: int) -> str:
    return Case.number_of(case_id)


@lru_cache(maxsize=None)
def _path_pattern(name: str, arity: int) -> str:
    sentinels = [10**12 + i for i in range(arity)]
    pattern = reverse(name, args=sentinels)
    for i, sentinel in enumerate(sentinels):
        pattern = pattern.replace(str(sentinel), f"{{{i}}}")
    return pattern


def path(name: str, *ids: int) -> str:
    """reverse(), resolved once per URL name: the job makes tens of thousands of links."""
    return _path_pattern(name, len(ids)).format(*ids)


def due_on(on: date, *, lead_days: dict[int, int], default_lead: int = 3) -> list[Due]:
    """Everything due on `on`, for every recipient. `lead_days` maps a user id to their notice period."""
    return [
        *_conditions(on, lead_days, default_lead),
        *_appointments(on),
        *_contracts(on),
        *_victims_code(on, lead_days, default_lead),
        *_supervisor_items(on),
        *(due for collect in _COLLECTORS for due in collect(on, lead_days=lead_days, default_lead=default_lead)),
    ]


Collect = Callable[..., list[Due]]
_COLLECTORS: list[Collect] = []


def kinds_register(*, kinds: dict[str, Kind], collect: Collect) -> None:
    """Add an app's reminder kinds and the read that finds them due: `collect(on, *, lead_days, default_lead)`
    returns its `Due`s, each of one of `kinds`. Called once per app at start-up (its AppConfig.ready)."""
    if collect in _COLLECTORS:
        return
    _COLLECTORS.append(collect)
    for table, items in ((KINDS, kinds), (STAFF_KINDS, {c: k for c, k in kinds.items() if k.audience != "person"})):
        merged = sorted({**table, **items}.items(), key=lambda item: AUDIENCES.index(item[1].audience))
        table.clear()
        table.update(merged)


def held(prefix: str) -> dict:
    """Filters for items of cases that a keyworker holds now (`prefix` leads from the item to its case)."""
    return {f"{prefix}allocations__ended_at": None}


def _conditions(on: date, lead_days: dict[int, int], default_lead: int) -> list[Due]:
    rows = (
        Condition.objects.filter(
            contract__case__status=Case.Status.ACTIVE, contract__status=Contract.Status.ACTIVE,
            due_date__isnull=False, due_date__lte=on + timedelta(days=MAX_LEAD_DAYS), **held("contract__case__"),
        )
        .exclude(status__in=Condition.SETTLED).exclude(kind=ConditionKind.STANDARD)
        .values_list("id", "due_date", "kind", "contract__case_id", "contract__case__allocations__keyworker_id",
                     "contract__case__person_id", "contract__case__person__reminders_by",
                     "contract__case__person__phone", "contract__case__person__email")
    )
    due = []
    for condition_id, due_date, kind, case_id, keyworker_id, person_id, reminders_by, phone, email in rows:
        url = path("contracts:condition_progress", case_id, condition_id)
        label = ConditionKind(kind).label.lower()
        item = f"condition:{condition_id}"
        if due_date < on:
            due.append(Due("condition_overdue", item, weekly(due_date, on), url=url, case_id=case_id, user_id=keyworker_id,
                           text=f"{number(case_id)}: {label} condition overdue since {due_date:%-d %b}"))
        elif (due_date - on).days <= lead_days.get(keyworker_id, default_lead):
            due.append(Due("condition_due", item, f"{due_date:%Y-%m-%d}", url=url, case_id=case_id, user_id=keyworker_id,
                           text=f"{number(case_id)}: {label} condition due {due_date:%a %-d %b}"))
        if reminders_by and on <= due_date <= on + timedelta(days=PERSON_CONDITION_DAYS):
            due.append(_to_person("person_condition", item, due_date, case_id, person_id, reminders_by, phone, email,
                                  text=f"something you agreed to do is due on {due_date:%A %-d %B}. "
                                       "Contact your keyworker if you need help."))
    return due


def _to_person(kind, item, due_date, case_id, person_id, reminders_by, phone, email, *, text) -> Due:
    """A reminder to the person, by the channel they chose: only what is due and when, never what they did, the police
    or the scheme (PERSON_MESSAGE_OPENING): the phone may be shared."""
    return Due(kind, item, f"{due_date:%Y-%m-%d}", text=f"{settings.PERSON_MESSAGE_OPENING}: {text}", case_id=case_id,
               person_id=person_id, channel=reminders_by, address=phone if reminders_by == "sms" else email)


def _appointments(on: date) -> list[Due]:
    start, _ = day_bounds(on)
    _, end = day_bounds(on + timedelta(days=1))  # the run's day and the next, whatever their length
    rows = (
        Contact.objects.filter(outcome="", cancelled_at=None, starts_at__gte=start, starts_at__lt=end, case__status__in=OPEN, **held("case__"))
        .values_list("id", "starts_at", "place", "case_id", "case__allocations__keyworker_id", "case__person_id",
                     "case__person__reminders_by", "case__person__phone", "case__person__email")
    )
    due = []
    for contact_id, starts_at, place, case_id, keyworker_id, person_id, reminders_by, phone, email in rows:
        starts_at = timezone.localtime(starts_at)
        item = f"contact:{contact_id}"
        if starts_at.date() == on + timedelta(days=1):
            due.append(Due("appointment_tomorrow", item, f"{starts_at:%Y-%m-%d}", case_id=case_id, user_id=keyworker_id,
                           url=path("contracts:contacts", case_id),
                           text=f"{number(case_id)}: appointment tomorrow at {starts_at:%H:%M}"))
        if reminders_by:
            when = "today" if starts_at.date() == on else "tomorrow"
            due.append(_to_person("person_appointment", item, starts_at.date(), case_id, person_id, reminders_by, phone, email,
                                  text=f"you have an appointment with your keyworker {when}, {starts_at:%A %-d %B} at "
                                       f"{starts_at:%H:%M}{', at ' + place if place else ''}. "
                                       "If you cannot come, contact your keyworker before then."))
    return due


def _contracts(on: date) -> list[Due]:
    closing_done = NeedsAssessment.objects.filter(case=OuterRef("case"), kind=NeedsAssessment.Kind.CLOSING)
    rows = (
        Contract.objects.filter(status=Contract.Status.ACTIVE, case__status=Case.Status.ACTIVE,
                                end_date__lte=on + timedelta(days=CONTRACT_ENDING_DAYS), **held("case__"))
        .annotate(closing_done=Exists(closing_done))
        .values_list("id", "end_date", "case_id", "case__allocations__keyworker_id", "closing_done")
    )
    due = []
    for contract_id, end_date, case_id, keyworker_id, closing_done in rows:
        item, case = f"contract:{contract_id}", dict(case_id=case_id, user_id=keyworker_id)
        if end_date < on:
            due.append(Due("contract_past_end", item, weekly(end_date, on), url=path("contracts:closure", case_id),
                           text=f"{number(case_id)}: contract ended {end_date:%-d %b} and the case is not closed", **case))
            continue
        due.append(Due("contract_ending", item, f"{end_date:%Y-%m-%d}", url=path("contracts:contract", case_id),
                       text=f"{number(case_id)}: contract ends {end_date:%a %-d %b}", **case))
        if not closing_done:
            due.append(Due("closing_assessment", item, f"{end_date:%Y-%m-%d}",
                           url=path("contracts:assessment", case_id),
                           text=f"{number(case_id)}: closing assessment not done; the contract ends {end_date:%-d %b}", **case))
    return due


def _victims_code(on: date, lead_days: dict[int, int], default_lead: int) -> list[Due]:
    """Victims' Code updates (cases.victims_code): to the keyworker who owes them, within their notice period, then
    weekly while late. The text names the case and the update, never the victim."""
    due = []
    for item, keyworker_id in victims_code_items_owed(today=on):
        key = f"victim:{item.victim_id}:{item.purpose}"
        url = path("cases:case_victim", item.case_id)
        if item.due_on < on:
            due.append(Due("victim_update_late", key, weekly(item.due_on, on), url=url, case_id=item.case_id,
                           user_id=keyworker_id,
                           text=f"{number(item.case_id)}: Victims' Code {item.label.lower()} late since {item.due_on:%-d %b}"))
        elif (item.due_on - on).days <= lead_days.get(keyworker_id, default_lead):
            due.append(Due("victim_update_due", key, f"{item.due_on:%Y-%m-%d}", url=url, case_id=item.case_id,
                           user_id=keyworker_id,
                           text=f"{number(item.case_id)}: Victims' Code {item.label.lower()} due {item.due_on:%a %-d %b}"))
    return due


def _supervisors_by_team() -> dict[int, list[int]]:
    """Active supervisors by team id. Those in no team are told nothing: they act on no team's cases
    (`keyworkers.selectors.held_in_team_of`)."""
    teams: dict[int, list[int]] = defaultdict(list)
    for user_id, team_id in get_user_model().objects.filter(
        groups__name=Role.SUPERVISOR, is_active=True, staff_profile__team__isnull=False,
    ).values_list("id", "staff_profile__team_id"):
        teams[team_id].append(user_id)
    return teams


def _supervisor_items(on: date) -> list[Due]:
    supervisors = _supervisors_by_team()

    def to_team(team_id, due: Due, *, except_user=None) -> list[Due]:
        return [Due(**{**due.__dict__, "user_id": user}) for user in sorted(supervisors.get(team_id, [])) if user != except_user]

    due = []
    week = f"{on.isocalendar().year}-W{on.isocalendar().week:02d}"
    for review_id, due_date, case_id, team_id in AllocationReview.objects.filter(
        reviewed_at=None, due_on__lte=on, allocation__ended_at=None, allocation__case__status__in=OPEN,
    ).values_list("id", "due_on", "allocation__case_id", "allocation__keyworker__staff_profile__team_id"):
        due += to_team(team_id, Due("review_due", f"review:{review_id}", weekly(due_date, on), case_id=case_id,
                                    url=path("keyworkers:review", review_id),
                                    text=f"{number(case_id)}: allocation review due {due_date:%-d %b}"))
    for case_id, team_id in Case.objects.filter(status__in=OPEN, **held("")).exclude(review_flag="").values_list(
        "id", "allocations__keyworker__staff_profile__team_id"
    ):
        due += to_team(team_id, Due("case_flagged", f"case:{case_id}", week, case_id=case_id,
                                    url=path("cases:case_detail", case_id),
                                    text=f"{number(case_id)}: flagged for review by the non-compliance threshold"))
    for model, url_name, what, label_field, case in (
        (ClosureProposal, "contracts:closure_decide", "closure", "result", "case__"),
        (VariationProposal, "contracts:variation_decide", "variation", "kind", "contract__case__"),
    ):
        proposals = model.objects.filter(decision=model.Decision.PENDING, **{f"{case}status__in": OPEN}, **held(case))
        for proposal_id, proposed_at, label, case_id, proposer_id, team_id in proposals.values_list(
            "id", "proposed_at", label_field, f"{case}id", "proposed_by_id", f"{case}allocations__keyworker__staff_profile__team_id",
        ):
            since = timezone.localdate(proposed_at) - timedelta(days=1)  # remind from the day it was proposed
            due += to_team(team_id, Due("proposal_waiting", f"{what}:{proposal_id}", weekly(since, on), case_id=case_id,
                                        url=path(url_name, proposal_id),
                                        text=f"{number(case_id)}: {label.replace('_', ' ')} proposed, waiting for a decision"),
                           except_user=proposer_id)
    for keyworker in keyworker_candidates(team=None):
        if over_capacity(keyworker.load):  # the same rule as the red on the team page and the chooser
            due += to_team(keyworker.staff_profile.team_id, Due(
                "over_capacity", f"keyworker:{keyworker.pk}", week, url=path("keyworkers:team"),
                text=f"{keyworker.get_full_name()} is at {keyworker.load}% of capacity"))
    return due



"""Every read the case pages need, scoped to what the user may see.

cases is the bottom of the domain stack: it imports no app built on it. What those apps keep about a case comes
through cases.sections (the parts of the pages, the records of the change history) and cases.victims_code (the
facts of the Victims' Code that contracts holds); who holds a case is read through the allocations relation that
keyworkers declares on it (`_allocations`).
"""

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from difflib import SequenceMatcher

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.db.models import Exists, F, Func, IntegerField, Min, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Concat
from django.urls import reverse

from cases.models import (
    PNC_ID_SHAPE, Case, CaseEvent, Crime, EligibilityAssessment, Offence, Person, SubmissionReturn, Victim, VictimContact,
    name_key, pnc_id_normalise,
)
from cases import sections
from oocr.prepared import PreparedQuery, Slot, prefetched
from cases.victims_code import CHECKPOINTS as VICTIMS_CODE_CHECKPOINTS, VictimsCodeItem, victims_code_case_items, victims_code_sources

# Names at least this alike, on the same date of birth, may be the same person:
# trigram similarity of the whole name on PostgreSQL (pg_trgm's own default);
# elsewhere difflib's ratio of the last names, so a shared first name alone is not enough.
TRIGRAM_THRESHOLD = 0.3
LAST_NAME_RATIO = 0.75


def _allocations():
    """The model of a case's allocations to keyworkers, through the relation keyworkers declares (it builds on cases)."""
    return Case._meta.get_field("allocations").related_model


def _submissions(*, user) -> QuerySet[Case]:
    """The submissions a user may see: an ERO's own and those the force's systems sent in (api/: every ERO's to
    decide), or every one for those allowed to see all."""
    cases = Case.objects.select_related("person")
    if not user.has_perm("cases.view_all_submissions"):
        cases = cases.filter(_submissions_q(user=user))
    return cases


def intake_case_list(*, user) -> QuerySet[Case]:
    """Submissions with their crime references, most recently changed first."""
    return _submissions(user=user).prefetch_related(
        Prefetch("crimes", queryset=Crime.objects.only("id", "case_id", "reference"))
    ).order_by("-updated_at", "-id")


def intake_case_detail_queryset(*, user) -> QuerySet[Case]:
    """One submission with everything its summary shows, and each round of it sent back."""
    return _submissions(user=user).prefetch_related(
        Prefetch("crimes", queryset=Crime.objects.prefetch_related("offences", "victims")),
        Prefetch("eligibility_assessments", queryset=EligibilityAssessment.objects.select_related("assessed_by")),
        Prefetch("returns", queryset=SubmissionReturn.objects.select_related("by")),
    )


def submitted_cases(*, user) -> QuerySet[Case]:
    """Every submitted case that passed its eligibility check, whatever its state, for a supervisor (who allocates
    them or sends them back); none for anyone else. `user=None`: every one, for a read already scoped otherwise."""
    if user is not None and not user.has_perm("accounts.allocate_cases"):
        return Case.objects.none()
    return Case.objects.exclude(status__in=[Case.Status.DRAFT, Case.Status.INELIGIBLE]).select_related("person")


def _cases_open_to(*, team: bool, user_id) -> QuerySet[Case]:
    """Cases a member of staff may open: every case but drafts for the team's supervisors and managers (`team`), a
    keyworker's own: the one they hold, or held when it closed."""
    cases = Case.objects.exclude(status=Case.Status.DRAFT).select_related("person")
    if team:
        return cases
    return cases.filter(Q(allocations__ended_at=None) | Q(allocations__end_reason=_allocations().EndReason.CASE_CLOSED),
                        allocations__keyworker_id=user_id)


def _case_detail_build(*, team: bool) -> QuerySet[Case]:
    """`_cases_open_to` for one case and user (slots), as a prepared query."""
    return _cases_open_to(team=team, user_id=Slot("user", IntegerField())).filter(pk=Slot("case", IntegerField()))[:1]


_CASE_DETAIL = PreparedQuery(_case_detail_build)
_CASE_CRIMES = PreparedQuery(lambda: Crime.objects.filter(case_id=Slot("case", IntegerField())))
_CASE_OFFENCES = PreparedQuery(lambda: Crime.offences.through.objects.filter(crime__case_id=Slot("case", IntegerField()))
                               .select_related("offence").order_by(*(f"offence__{name}" for name in Offence._meta.ordering), "id"))
_CASE_VICTIMS = PreparedQuery(lambda: Victim.objects.filter(crime__case_id=Slot("case", IntegerField())).order_by("id"))
_CASE_ALLOCATIONS = PreparedQuery(lambda: _allocations().objects.filter(case_id=Slot("case", IntegerField()))
                                  .select_related("keyworker", "allocated_by", "ended_by"))


def case_detail(*, user, pk: int) -> Case | None:
    """The case a case page shows, if this user may open it (`_cases_open_to`), with its crimes, their offences and
    victims, and its allocations as `prefetch_related` keeps them, all read through prepared queries (every case page asks for it; building and compiling its five queries
    was about a third of the overview's CPU, python -m bench.profile). None when the user may not open it."""
    found = _CASE_DETAIL.rows({"case": pk, "user": user.pk}, team=user.has_perm("cases.view_team_cases"))
    if not found:
        return None
    case, values = found[0], {"case": pk}
    crimes = _CASE_CRIMES.rows(values)
    offences, victims = defaultdict(list), defaultdict(list)
    for row in _CASE_OFFENCES.rows(values):
        offences[row.crime_id].append(row.offence)
    for victim in _CASE_VICTIMS.rows(values):
        victims[victim.crime_id].append(victim)
    prefetched(case, "crimes", crimes)
    for crime in crimes:
        prefetched(crime, "offences", offences[crime.pk])
        prefetched(crime, "victims", victims[crime.pk])
    prefetched(case, "allocations", _CASE_ALLOCATIONS.rows(values))
    return case


def case_is_held_by(case: Case, user) -> bool:
    """Only the keyworker who holds a case changes it; everyone else who can see it reads it.

    Case pages load the case with its allocations (case_detail): those are read, not queried again."""
    prefetched = getattr(case, "_prefetched_objects_cache", {}).get("allocations")
    if prefetched is not None:
        return any(allocation.keyworker_id == user.pk and allocation.ended_at is None for allocation in prefetched)
    return case.allocations.filter(keyworker=user, ended_at=None).exists()


def case_closure_update_owed_by(case: Case, user) -> bool:
    """The keyworker who held a case when it closed gives the victim the update on closure (the case is read-only else)."""
    if case.status not in VICTIMS_CODE_CLOSURES:
        return False
    last = case.allocations.order_by("-allocated_at", "-id").values_list("keyworker_id", flat=True).first()
    return last == user.pk


CASE_EVENT_GROUPS = {
    "journey": ("Intake and allocation", [CaseEvent.Kind.CREATED, CaseEvent.Kind.ELIGIBILITY, CaseEvent.Kind.SUBMITTED,
                                          CaseEvent.Kind.OVERRIDDEN, CaseEvent.Kind.INELIGIBLE, CaseEvent.Kind.ALLOCATED,
                                          CaseEvent.Kind.REALLOCATED, CaseEvent.Kind.PERSON_MERGED, CaseEvent.Kind.CORRECTED,
                                          CaseEvent.Kind.RETURNED, CaseEvent.Kind.OVERRIDE_REFUSED,
                                          CaseEvent.Kind.RESUBMITTED]),
    "contact": ("Consent and contact", [CaseEvent.Kind.FIRST_CONTACT, CaseEvent.Kind.ACCEPTED, CaseEvent.Kind.DECLINED]),
    "assessment": ("Assessment", [CaseEvent.Kind.ASSESSMENT]),
    "contract": ("Contract", [CaseEvent.Kind.CONTRACT, CaseEvent.Kind.CONTRACT_APPROVED, CaseEvent.Kind.CONTRACT_REFUSED,
                              CaseEvent.Kind.CONTRACT_RETURNED, CaseEvent.Kind.CONDITION,
                              CaseEvent.Kind.VARIATION_PROPOSED, CaseEvent.Kind.VARIATION_DECIDED]),
    "victim": ("Victim", [CaseEvent.Kind.VICTIM_CONTACT]),
    "referrals": ("Referrals", [CaseEvent.Kind.REFERRAL]),
    "documents": ("Documents and letters", [CaseEvent.Kind.DOCUMENT]),
    "actions": ("Safeguarding and actions", [CaseEvent.Kind.SAFEGUARDING, CaseEvent.Kind.ACTION]),
    "compliance": ("Contacts and compliance", [CaseEvent.Kind.CONTACT, CaseEvent.Kind.NON_COMPLIANCE]),
    "closure": ("Closure", [CaseEvent.Kind.WITHDRAWN, CaseEvent.Kind.CLOSURE_PROPOSED, CaseEvent.Kind.CLOSURE_REFUSED,
                            CaseEvent.Kind.COMPLETED, CaseEvent.Kind.BREACHED, CaseEvent.Kind.DECLINED]),
}


# A case's overview shows its latest events and the rounds it was sent back on every request: built and compiled
# once a process (oocr/prepared.py).
_CASE_RECENT_EVENTS = PreparedQuery(lambda *, count: CaseEvent.objects.filter(case_id=Slot("case", IntegerField()))
                                    .select_related("by").order_by("-at", "-id")[:count])
_CASE_RETURNS = PreparedQuery(lambda: SubmissionReturn.objects.filter(case_id=Slot("case", IntegerField())).select_related("by"))


def case_recent_events(*, case: Case, count: int = 5) -> list[CaseEvent]:
    """The newest `count` of `case_timeline`."""
    return _CASE_RECENT_EVENTS.rows({"case": case.pk}, count=count)


def case_returns(*, case: Case) -> list[SubmissionReturn]:
    """Each round of the case's submission sent back, oldest first, with who sent it back."""
    return _CASE_RETURNS.rows({"case": case.pk})


def case_timeline(*, case: Case, group: str = "") -> QuerySet[CaseEvent]:
    """Everything that happened to a case, newest first, optionally one group of kinds."""
    events = case.events.select_related("by").order_by("-at", "-id")
    if group in CASE_EVENT_GROUPS:
        events = events.filter(kind__in=CASE_EVENT_GROUPS[group][1])
    return events


def person_candidates(
    *, first_names: str, last_name: str, date_of_birth: date, pnc_id: str = "", exclude_id: int | None = None
) -> list[Person]:
    """People already on record who may be this person: same PNC ID, or same birthday and a similar name."""
    people = Person.objects.exclude(pk=exclude_id)
    same_pnc = list(people.filter(pnc_id__iexact=pnc_id)) if pnc_id else []
    same_birthday = people.filter(date_of_birth=date_of_birth)
    similar = _similar_names(same_birthday, first_names=first_names, last_name=last_name)
    return _with_open_case_numbers(same_pnc + [p for p in similar if p not in same_pnc])


def person_with_pnc_id(*, pnc_id: str, exclude_id: int | None = None) -> list[Person]:
    """The person on record with this PNC ID (normalised: cases.models.pnc_id_normalise), if it is not `exclude_id`."""
    return _with_open_case_numbers(list(Person.objects.filter(pnc_id=pnc_id).exclude(pk=exclude_id)) if pnc_id else [])


def _with_open_case_numbers(people: list[Person]) -> list[Person]:
    """Each person with `open_case_numbers`: their submitted cases not yet closed, so the choice shows them. One query."""
    numbers = {}
    if people:
        for case in Case.objects.filter(person__in=people, status__in=Case.OPEN).only("id", "person_id").order_by("id"):
            numbers.setdefault(case.person_id, []).append(case.number)
    for person in people:
        person.open_case_numbers = numbers.get(person.pk, [])
    return people


def person_open_cases(*, person_id: int | None, user, exclude_case_id: int | None = None) -> list[Case]:
    """The person's cases that are submitted and not closed, each with its keyworker (`keyworker`, None before
    allocation) and whether the user may open its submission (`visible_to_user`): what an ERO is shown before
    submitting another crime for them. Number, status and keyworker only: nothing of the other case's content.
    Two queries."""
    Allocation = _allocations()
    if person_id is None:
        return []
    cases = list(
        Case.objects.filter(person_id=person_id, status__in=Case.OPEN).exclude(pk=exclude_case_id)
        .only("id", "status", "created_by_id", "submitted_at").order_by("submitted_at", "id")
        .prefetch_related(Prefetch("allocations", to_attr="open_allocations",
                                   queryset=Allocation.objects.filter(ended_at=None).select_related("keyworker")))
    )
    sees_all = user.has_perm("cases.view_all_submissions")
    for case in cases:
        case.keyworker = case.open_allocations[0].keyworker if case.open_allocations else None
        case.visible_to_user = sees_all or case.created_by_id == user.pk
    return cases


def _similar_names(people: QuerySet[Person], *, first_names: str, last_name: str) -> list[Person]:
    """Trigram similarity on PostgreSQL; a portable comparison in Python elsewhere (few people share a birthday)."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity

        return list(
            people.annotate(similarity=TrigramSimilarity("name_key", name_key(first_names, last_name)))
            .filter(similarity__gte=TRIGRAM_THRESHOLD)
            .order_by("-similarity")
        )
    wanted = name_key("", last_name)
    return [p for p in people if SequenceMatcher(None, name_key("", p.last_name), wanted).ratio() >= LAST_NAME_RATIO]


# A closed case's own update is chased in the keyworkers' due lists and reminders for this long after it closed.
VICTIMS_CODE_CLOSED_DAYS = 60
# The closures whose update the victim is owed.
VICTIMS_CODE_CLOSURES = Case.SCHEME_CLOSURES


def victims_code_items_of(case_ids) -> dict[int, list[VictimsCodeItem]]:
    """The Victims' Code items of many cases in five queries, whatever their number (one without victims): {case id: items}.
    A case with no victim has no entry."""
    victims: dict[int, list] = {}
    for victim_id, name, case_id in Victim.objects.filter(crime__case_id__in=list(case_ids)).order_by("id").values_list(
        "id", "name", "crime__case_id"
    ):
        victims.setdefault(case_id, []).append((victim_id, name))
    return _victims_code_items(victims)


def _victims_code_items(victims: dict[int, list],
                        cases: dict[int, tuple] | None = None) -> dict[int, list[VictimsCodeItem]]:
    """`victims_code_items_of` from each case's victims ({case id: [(victim id, name)]}, by id), and `cases`
    ({case id: (submitted_at, closed_at, status)}) when the caller has them, else read."""
    case_ids = list(victims)  # a case with no victim owes no update: one query is all it costs
    if not case_ids:
        return {}
    agreed = victims_code_sources.agreed(case_ids)
    done: dict[int, dict[str, date]] = {}
    for victim_id, purpose, first in VictimContact.objects.filter(
        victim__crime__case_id__in=case_ids, purpose__in=list(VICTIMS_CODE_CHECKPOINTS),
    ).values_list("victim_id", "purpose").annotate(first=Min("contacted_on")).values_list("victim_id", "purpose", "first"):
        done.setdefault(victim_id, {})[purpose] = first
    reasons = victims_code_sources.not_done_reasons(case_ids)
    items = {}
    if cases is None:
        cases = {case_id: facts for case_id, *facts in Case.objects.filter(pk__in=case_ids).values_list(
            "id", "submitted_at", "closed_at", "status")}
    for case_id, (submitted_at, closed_at, status) in cases.items():
        starts = {
            VictimContact.Purpose.RJ_INFORMATION: timezone.localdate(submitted_at) if submitted_at else None,
            VictimContact.Purpose.UPDATE_AGREED: agreed.get(case_id),
            VictimContact.Purpose.UPDATE_CLOSED: timezone.localdate(closed_at) if closed_at and status in VICTIMS_CODE_CLOSURES else None,
        }
        owed = [(victim_id, name, done.get(victim_id, {})) for victim_id, name in victims[case_id]]
        items[case_id] = victims_code_case_items(case_id=case_id, victims=owed, starts=starts,
                                                 not_done_reason=reasons.get(case_id, ""))
    return items


def victims_code_items(*, case: Case) -> list[VictimsCodeItem]:
    """Every Victims' Code update the victims of one case are owed, done or not.

    A case page's case comes with its crimes and their victims (case_detail): those are read, not queried
    again, nor the case's dates."""
    crimes = getattr(case, "_prefetched_objects_cache", {}).get("crimes")
    if crimes is None or not all("victims" in getattr(crime, "_prefetched_objects_cache", {}) for crime in crimes):
        return victims_code_items_of([case.pk]).get(case.pk, [])
    victims = sorted((victim.pk, victim.name) for crime in crimes for victim in crime.victims.all())
    cases = {case.pk: (case.submitted_at, case.closed_at, case.status)}
    return _victims_code_items({case.pk: victims} if victims else {}, cases).get(case.pk, [])


def victims_code_items_owed(*, keyworker_id: int | None = None, today: date) -> list[tuple[VictimsCodeItem, int]]:
    """The updates someone must give now, each with the keyworker who owes it: the holder of an open case, or the
    keyworker who held a case closed in the last VICTIMS_CODE_CLOSED_DAYS. Soonest due first. `keyworker_id`: theirs only."""
    Allocation = _allocations()
    held = Allocation.objects.filter(ended_at=None, case__status__in=Case.OPEN_ALLOCATED, case__crimes__victims__isnull=False)
    if keyworker_id is not None:
        held = held.filter(keyworker_id=keyworker_id)
    owed = dict(held.values_list("case_id", "keyworker_id").distinct())
    since = today - timedelta(days=VICTIMS_CODE_CLOSED_DAYS)
    last_keyworker = Allocation.objects.filter(case=OuterRef("pk")).order_by("-allocated_at", "-id").values("keyworker_id")[:1]
    closed = Case.objects.filter(status__in=VICTIMS_CODE_CLOSURES, closed_at__date__gte=since, crimes__victims__isnull=False).annotate(
        last_keyworker_id=Subquery(last_keyworker)).exclude(last_keyworker_id=None)
    if keyworker_id is not None:
        closed = closed.filter(last_keyworker_id=keyworker_id)
    owed.update(dict(closed.values_list("id", "last_keyworker_id").distinct()))
    due = [(item, owed[case_id]) for case_id, items in victims_code_items_of(owed).items() for item in items if item.is_due]
    return sorted(due, key=lambda pair: (pair[0].due_on, pair[0].case_id, pair[0].victim_id))


def victims_code_items_due(user, *, today: date | None = None) -> list[VictimsCodeItem]:
    """The Victims' Code updates this keyworker owes now (late ones included: `item.is_late(today)`), soonest due first.

    For a "Today" page or a caseload: only the user's own open cases and the cases they held that closed lately.
    """
    return [item for item, _ in victims_code_items_owed(keyworker_id=user.pk, today=today or timezone.localdate())]


def victims_codes(*, case: Case, today) -> list[dict]:
    """Each victim with their contact log and their Victims' Code items (state: done, late, due, not_done or waiting)."""
    victims = Victim.objects.filter(crime__case=case).prefetch_related(
        Prefetch("contacts", queryset=VictimContact.objects.select_related("recorded_by"))
    )
    items = victims_code_items(case=case)
    return [{"victim": victim, "items": [(item, item.state(today)) for item in items if item.victim_id == victim.pk]}
            for victim in victims]


def case_access_needs_reason(*, case: Case, user) -> bool:
    """Whether opening this case needs a recorded reason first (DPA 2018 s62: the justification of a consultation).

    A keyworker only ever reaches cases they hold or held (`case_detail`).
    A supervisor or manager opens their team's cases freely, and cases not yet
    allocated (the team's queue); a case held by a keyworker of another team, or
    any allocated case for someone who belongs to no team, needs a reason.
    Uses the allocations `case_detail` prefetched.
    """
    if not user.has_perm("cases.view_team_cases"):
        return False
    allocations = sorted(case.allocations.all(), key=lambda allocation: allocation.allocated_at)
    if not allocations or any(allocation.keyworker_id == user.pk for allocation in allocations):
        return False
    team_id = getattr(getattr(user, "staff_profile", None), "team_id", None)
    return team_id is None or not get_user_model().objects.filter(pk=allocations[-1].keyworker_id, staff_profile__team_id=team_id).exists()


CHANGE_HIDDEN_FIELDS = {"updated_at", "name_key", "created_at", "draft_answers", "calendar_token", "version"}


def _field_value(model, name: str, value) -> str:
    field = model._meta.get_field(name)
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value), "j M Y H:i")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value or ""))
    return "" if value is None else str(value)


# What the officer who made a submission sees of its history: the records they entered, not the keyworker's work.
SUBMISSION_RECORDS = ("Person", "Case", "Crime", "Victim")


def case_changes(*, case: Case, records: tuple[str, ...] | None = None, offences: bool = True) -> list[dict]:
    """Who changed what, when, on the case's records (django-simple-history), newest first, with the reason given
    for a correction. `records` keeps only those kinds of record (SUBMISSION_RECORDS for the officer);
    `offences=False` leaves out the crimes' offences, whose comparison costs a query per version (the timeline
    names a correction of them).

    One query per kind of record, whatever the number of changes; the users
    who made them come with each query.
    """
    wanted = (lambda label: records is None or label in records)
    crime_ids = [crime.pk for crime in case.crimes.all()]  # prefetched by the pages that show the case
    tracked = [
        ("Person", Person, Person.history.filter(id=case.person_id)),
        ("Case", Case, Case.history.filter(id=case.pk)),
        ("Crime", Crime, Crime.history.filter(case_id=case.pk)),
        ("Victim", Victim, Victim.history.filter(crime_id__in=crime_ids)),
    ]
    tracked = [row for row in tracked if wanted(row[0])]
    # The records the apps built on cases keep about it (cases.sections.register_history), asked only when wanted.
    tracked += [(label, *versions(case)) for label, versions in sections.history_records().items() if wanted(label)]
    changes = []
    for label, model, versions in tracked:
        previous = {}
        for version in versions.select_related("history_user").order_by("history_date", "history_id"):
            before = previous.get(version.id)
            if version.history_type == "+" or before is None:
                fields = [("", "", "Created")]
            elif version.history_type == "-":
                fields = [("", "", "Removed")]
            else:
                fields = [
                    (capfirst(str(model._meta.get_field(change.field).verbose_name)),
                     _field_value(model, change.field, change.old), _field_value(model, change.field, change.new))
                    for change in version.diff_against(before, excluded_fields=() if offences else ("offences",)).changes
                    if change.field not in CHANGE_HIDDEN_FIELDS
                ]
            previous[version.id] = version
            by = version.history_user.get_full_name() or version.history_user.username if version.history_user else "The system"
            changes += [{"at": version.history_date, "by": by, "record": f"{label} {version.id}", "field": field,
                         "old": old, "new": new, "reason": version.history_change_reason or ""} for field, old, new in fields]
    return sorted(changes, key=lambda change: change["at"], reverse=True)


# --- Search: one box, for every role, over what the role may see ------------------------------------------------

SEARCH_LIMIT = 50  # matches shown; more asks for a narrower search
# Word similarity of each word typed to a word of the stored name (pg_trgm's `<%`, through the trigram index on
# Person.name_key), lowered from pg_trgm's 0.6 so that one letter wrong in a short surname ("Smyth" for "Smith")
# still matches. The closest come first: word similarity of the whole name plus the whole-name similarity the
# intake duplicate check uses.
SEARCH_WORD_SIMILARITY = 0.5


@dataclass(frozen=True)
class SearchTerms:
    """What one line typed in the search box asks for: each part is either a name or an identifier."""

    name: str = ""  # name_key of the words that are names
    date_of_birth: date | None = None
    case_ids: tuple[int, ...] = ()
    pnc_ids: tuple[str, ...] = ()
    references: tuple[str, ...] = ()  # crime references, as typed and in capitals

    @property
    def empty(self) -> bool:
        return not (self.name or self.date_of_birth or self.case_ids or self.pnc_ids or self.references)


def search_terms(*, date_of_birth: date | None, words: list[str], identifiers: list[str]) -> SearchTerms:
    """The parts of a search, already told apart by the form (cases.forms.CaseSearchForm)."""
    case_ids, pnc_ids, references = [], [], []
    for token in identifiers:
        case_id = Case.id_from_number(token)
        if case_id is not None:
            case_ids.append(case_id)
        if PNC_ID_SHAPE.match(re.sub(r"\s+", "", token).upper()):
            pnc_ids.append(pnc_id_normalise(token))
        references += [token, token.upper()]
    return SearchTerms(name=name_key("", " ".join(words)), date_of_birth=date_of_birth, case_ids=tuple(case_ids),
                       pnc_ids=tuple(pnc_ids), references=tuple(dict.fromkeys(references)))


def _search_people(terms: SearchTerms) -> tuple[list[int], bool]:
    """Ids of the people a search names, most alike first: by name and/or date of birth, then by PNC ID.
    At most three queries, whatever the data: the word-similarity threshold for this transaction, the names, the PNC IDs.

    At most settings.SEARCH_CANDIDATES people by name or date of birth: the first the index gives, then ranked. A
    common name at national size matches tens of thousands, whose similarities would all be computed to sort them.
    Returns the ids and whether that limit was reached (others may match).
    """
    found = []
    candidates = settings.SEARCH_CANDIDATES
    if terms.name or terms.date_of_birth:
        people = Person.objects.all()
        if terms.date_of_birth:
            people = people.filter(date_of_birth=terms.date_of_birth)
        if terms.name and connection.vendor == "postgresql":
            from django.contrib.postgres.lookups import TrigramWordSimilar
            from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity

            # The lookups as expressions: django.contrib.postgres is not an installed app, so they are not registered.
            # Every word typed must be like a word of the name (`%>`, through the trigram index): "John Smith" is
            # not every John and every Smith, whose similarities would all have to be computed to sort them.
            for word in terms.name.split():
                people = people.filter(TrigramWordSimilar(F("name_key"), Value(word)))
            # The first candidates the index gives, in no order (no similarity computed), then only those ranked.
            first = people.order_by().values("pk")[:candidates]
            ranked = Person.objects.filter(pk__in=Subquery(first)).annotate(
                alike=TrigramWordSimilarity(terms.name, "name_key") + TrigramSimilarity("name_key", terms.name)
            ).order_by("-alike", "id")
            # The threshold holds for one transaction only (set_config's is_local): read the names inside it.
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
                               [str(SEARCH_WORD_SIMILARITY)])
                found = list(ranked.values_list("pk", flat=True))
        else:
            for word in terms.name.split():  # elsewhere (SQLite): every word somewhere in the name
                people = people.filter(name_key__contains=word)
            found = list(people.order_by("id").values_list("pk", flat=True)[:candidates])
    capped = len(found) >= candidates
    if terms.pnc_ids:
        found += [pk for pk in Person.objects.filter(pnc_id__in=terms.pnc_ids).values_list("pk", flat=True) if pk not in found]
    return found, capped


def _search_scope(*, user) -> tuple[Q, bool]:
    """The cases a user may find, and whether they are read through the case pages (True) or as submissions."""
    Allocation = _allocations()
    if user.has_perm("cases.view_team_cases"):
        return ~Q(status=Case.Status.DRAFT), True
    if user.has_perm("accounts.hold_caseload"):
        # As _cases_open_to: the keyworker holding it, or the one who held it when it closed.
        held = Allocation.objects.filter(
            Q(ended_at=None) | Q(end_reason=Allocation.EndReason.CASE_CLOSED), keyworker=user
        ).values("case_id")
        mine = Q(pk__in=held)
        if user.has_perm("cases.submit_case"):
            return mine | _submissions_q(user=user), True
        return mine, True
    if user.has_perm("cases.submit_case") or user.has_perm("cases.view_all_submissions"):
        return _submissions_q(user=user), False
    return Q(pk__in=[]), False


def _submissions_q(*, user) -> Q:
    if user.has_perm("cases.view_all_submissions"):
        return Q()
    return Q(created_by=user) | Q(created_by__api_client__isnull=False)


def case_search(*, user, terms: SearchTerms) -> dict:
    """The cases a search finds among those the user may see, each with what is needed to choose it.

    A fixed number of queries whatever the data (the people, the crime references, the cases). Each case comes
    with `keyworker_name` (of its latest allocation), `link` (the page that opens it) and `needs_reason`: a case
    held by a keyworker of another team is shown by its number only, and opens through the access
    justification (case_access_needs_reason), never with the person's name, birthday, state or keyworker.
    Returns {"cases": [...], "more": bool, "capped": bool}: more than fifty to show, the names limited to
    settings.SEARCH_CANDIDATES people (a common name: the page asks for more of it).
    """
    Allocation = _allocations()
    if terms.empty:
        return {"cases": [], "more": False, "capped": False}
    person_ids, capped = _search_people(terms)
    case_ids = list(terms.case_ids)
    if terms.references:
        case_ids += list(Crime.objects.filter(reference__in=terms.references).values_list("case_id", flat=True)[:SEARCH_LIMIT])
    if not person_ids and not case_ids:
        return {"cases": [], "more": False, "capped": capped}
    scope, through_case_pages = _search_scope(user=user)
    latest = Allocation.objects.filter(case=OuterRef("pk")).order_by("-allocated_at", "-id")
    team_id = getattr(getattr(user, "staff_profile", None), "team_id", None) if user.has_perm("cases.view_team_cases") else None
    cases = (
        Case.objects.filter(Q(person_id__in=person_ids) | Q(pk__in=case_ids)).filter(scope)
        .select_related("person")
        .annotate(
            keyworker_name=Subquery(latest.annotate(
                full=Concat("keyworker__first_name", Value(" "), "keyworker__last_name")).values("full")[:1]),
            latest_keyworker_team=Subquery(latest.values("keyworker__staff_profile__team_id")[:1]),
            allocated=Exists(Allocation.objects.filter(case=OuterRef("pk"))),
            held_by_user=Exists(Allocation.objects.filter(case=OuterRef("pk"), keyworker=user)),
        )
        # The closest first, in the database: of many candidates, the page's fifty are the best ones the user may see.
        .annotate(identified=_Position("pk", case_ids), rank=_Position("person_id", person_ids))
        .order_by(F("identified").asc(nulls_last=True), F("rank").asc(nulls_last=True), "-submitted_at", "-id")
        [:SEARCH_LIMIT + 1]
    )
    found = list(cases)
    sees_cases = user.has_perm("cases.view_team_cases") or user.has_perm("accounts.hold_caseload")
    for case in found:
        case.needs_reason = bool(
            user.has_perm("cases.view_team_cases") and case.allocated and not case.held_by_user
            and (team_id is None or case.latest_keyworker_team != team_id)
        )
        opens_case = through_case_pages and sees_cases and case.status != Case.Status.DRAFT and (
            user.has_perm("cases.view_team_cases") or case.held_by_user)
        if case.needs_reason:
            case.link = reverse("cases:case_access_reason", args=[case.pk])
        elif opens_case:
            case.link = reverse("cases:case_detail", args=[case.pk])
        else:
            case.link = reverse("cases:submission", args=[case.pk])
    return {"cases": found[:SEARCH_LIMIT], "more": len(found) > SEARCH_LIMIT, "capped": capped}


class _Position(Func):
    """Where a row's value stands in a list of ids (from 1), NULL when it is not there: the search's ranking.
    PostgreSQL's array_position, one parameter whatever the list's length; elsewhere a CASE."""

    output_field = IntegerField()

    def __init__(self, expression, ids):
        super().__init__(F(expression) if isinstance(expression, str) else expression)
        self.ids = [int(pk) for pk in ids]

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        if connection.vendor == "postgresql":
            return f"array_position(%s::bigint[], {sql})", [self.ids, *params]
        if not self.ids:
            return "NULL", []
        whens = " ".join("WHEN %s THEN %s" for _ in self.ids)
        return f"CASE {sql} {whens} ELSE NULL END", [*params, *(v for n, pk in enumerate(self.ids, 1) for v in (pk, n))]

"""The eligibility engine: which scheme rules a person and their offence meet, and why.

Pure on purpose: it takes plain facts and returns plain results, with no database,
so the same rules serve the ERO's check, a recheck after answers arrive, and tests.
The caller (the cases services) turns a case into `Facts`, supplies the force's
postcode areas and the administrator's `RuleSetting`s, and stores the results.

Rules computed from data are never asked; rules only a person can answer are asked
as `QUESTIONS` (domain.md section 4). Every result carries a plain-English reason,
for a pass as well as a fail, because the ERO has to be able to explain the decision.
"""

import calendar
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import takewhile

PASS, FAIL, UNANSWERED = "pass", "fail", "unanswered"
ELIGIBLE, INELIGIBLE, NEEDS_ANSWERS = "eligible", "ineligible", "needs_answers"

SUMMARY, EITHER_WAY, INDICTABLE = "summary", "either_way", "indictable"
# Only these can be dealt with out of court; the words are how reasons name them.
OUT_OF_COURT_MODES_OF_TRIAL = {SUMMARY: "summary only", EITHER_WAY: "either-way"}
SEXUAL_OFFENCE_SUBGROUPS = frozenset({"rape offences", "other sexual offences"})  # compared case-folded

ADULT_AGE = 18


@dataclass(frozen=True)
class OffenceFacts:
    title: str
    mode_of_trial: str  # "summary" | "either_way" | "indictable"
    crime_subgroup: str  # Home Office subgroup name, e.g. "Shoplifting", "Rape offences"


@dataclass(frozen=True)
class Facts:
    date_of_birth: date
    offence_date: date
    assessment_date: date  # "today" for the check; used by the offence-age rule
    home_postcode: str  # may be "" (no postal address); any case or spacing
    offence_postcode: str
    offences: tuple[OffenceFacts, ...]
    has_postal_address: bool
    has_email: bool
    has_phone: bool
    domestic_abuse: bool
    hate_crime: bool
    co_accused: bool
    answers: Mapping[str, str]  # question code -> answer value; a missing key or "" means not answered yet


@dataclass(frozen=True)
class RuleSetting:
    enabled: bool
    parameter: int | None = None


@dataclass(frozen=True)
class RuleResult:
    code: str
    name: str
    outcome: str  # PASS | FAIL | UNANSWERED
    reason: str  # plain English, always filled


@dataclass(frozen=True)
class Question:
    code: str
    label: str
    choices: tuple[tuple[str, str], ...]  # (value, label)
    hint: str = ""


@dataclass(frozen=True)
class _RuleContext:
    """What a check needs besides the facts: the force's areas and this rule's parameter."""

    force_postcode_areas: frozenset[str]
    parameter: int | None


# A check answers (outcome, reason).
_Check = Callable[[Facts, _RuleContext], tuple[str, str]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str  # short plain name shown in lists
    optional: bool  # optional rules are off unless an administrator switches them on
    default_parameter: int | None
    parameter_help: str  # "" when the rule takes no parameter
    asked: bool  # True when it is answered by a question rather than computed
    _check: _Check = field(repr=False, compare=False)


# --- Small domain helpers ---------------------------------------------------------------


def postcode_area(postcode: str) -> str:
    """The leading letters of a UK postcode, upper case: "ex1 1aa" -> "EX", "B1 1AA" -> "B", "" -> ""."""
    return "".join(takewhile(lambda character: "A" <= character <= "Z", postcode.strip().upper()))


def age_on(date_of_birth: date, on: date) -> int:
    """Whole years. A 29 February birthday turns a year older on 1 March in non-leap years."""
    # Comparing (month, day) pairs gives the 29 February rule for free: (2, 28) is before (2, 29).
    birthday_not_yet_reached = (on.month, on.day) < (date_of_birth.month, date_of_birth.day)
    return on.year - date_of_birth.year - birthday_not_yet_reached


def _months_before(day: date, months: int) -> date:
    """The same day of the month, `months` calendar months earlier, clamped to that month's last day.

    31 May minus 3 months is 28 February (29 in a leap year), not an overflow into March.
    """
    month_index = day.year * 12 + (day.month - 1) - months
    year, month_zero_based = divmod(month_index, 12)
    if year < date.min.year:  # an absurd parameter should fail no offence, not crash the check
        return date.min
    month = month_zero_based + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _long_date(day: date) -> str:
    """The GOV.UK date style, "3 March 2026" (strftime's %-d is not portable)."""
    return f"{day.day} {day:%B %Y}"


def _and_list(items: Sequence[str]) -> str:
    """Join names as a sentence would: "A", "A and B", "A, B and C"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _display_postcode(postcode: str) -> str:
    return " ".join(postcode.upper().split())


# --- Computed core rules ----------------------------------------------------------------


def _check_adult(facts: Facts, context: _RuleContext) -> tuple[str, str]:
    age = age_on(facts.date_of_birth, facts.offence_date)
    on_the_offence_date = f"on the offence date ({_long_date(facts.offence_date)})"
    if age >= ADULT_AGE:
        return PASS, f"Aged {age} {on_the_offence_date}."
    return FAIL, f"Aged {age} {on_the_offence_date}: the scheme is for adults aged {ADULT_AGE} or over."


def _area_check(postcode: str, *, what: str, areas: frozenset[str]) -> tuple[str, str]:
    """Shared by the two place rules; `what` is "Home postcode" or "Offence postcode"."""
    if not postcode.strip():
        return FAIL, f"No {what.lower()} recorded, so it cannot be shown to be in the force area."
    shown = _display_postcode(postcode)
    area = postcode_area(postcode)
    force_areas = ", ".join(sorted(areas)) or "none set up"
    if not area:
        return FAIL, f"{what} {shown} is not a recognisable UK postcode."
    if area in areas:
        return PASS, f"{what} {shown} is in the force area ({area})."
    return FAIL, f"{what} {shown} is outside the force area (postcode areas {force_areas})."


def _check_lives_in_area(facts: Facts, context: _RuleContext) -> tuple[str, str]:
    return _area_check(facts.home_postcode, what="Home postcode", areas=context.force_postcode_areas)


def _check_offence_in_area(facts: Facts, context: _RuleContext) -> tuple[str, str]:
    return _area_check(facts.offence_postcode, what="Offence postcode", areas=context.force_postcode_areas)


def _check_offence_not_indictable(facts: Facts, context: _RuleContext) -> tuple[str, str]:
    if not facts.offences:
        return FAIL, "No offence recorded, so its mode of trial cannot be checked."
    indictable = [offence.title for offence in facts.offences if offence.mode_of_trial == INDICTABLE]
    # An unrecognised mode is not evidence the offence can be dealt with out of court, so it fails too.
    unknown = [
        offence.title
        for offence in facts.offences
        if offence.mode_of_trial != INDICTABLE and offence.mode_of_trial not in OUT_OF_COURT_MODES_OF_TRIAL
    ]
    problems = []
    if indictable:
        verb = "is" if len(indictable) == 1 else "are"
        problems.append(f"{_and_list(indictable)} {verb} indictable only")
    if unknown:
        verb = "has" if len(unknown) == 1 else "have"
        problems.append(f"{_and_list(unknown)} {verb} no recognised mode of trial")
    if problems:
        return FAIL, f"{'; '.join(problems)}: only summary or either-way offences can be dealt with out of court."
    described = [
        f"{offence.title} ({OUT_OF_COURT_MODES_OF_TRIAL[offence.mode_of_trial]})" for offence in facts.offences
    ]
    return PASS, f"{_and_list(described)}: can be dealt with out of court."


def _check_means_of_contact(facts: Facts, context: _RuleContext) -> tuple[str, str]:
    missing = []
    if not (facts.has_postal_address or facts.has_email):
        missing.append("postal address or email address")
    if not facts.has_phone:
        missing.append("phone number")
    if missing:
        return FAIL, (
            f"No {' and no '.join(missing)} recorded: "
            "the person needs a postal address or an email address, and a phone number."
        )
    held = [
        means
        for means, recorded in (
            ("a postal address", facts.has_postal_address),
            ("an email address", facts.has_email),
            ("a phone number", facts.has_phone),
        )
        if recorded
    ]
    return PASS, f"Has {_and_list(held)}."


# --- Asked core rules -------------------------------------------------------------------

YES_NO = (("yes", "Yes"), ("no", "No"))

CONSENT = Question(
    code="consent",
    label="Does the person agree to take part in the scheme?",
    choices=YES_NO,
    hint="Explain the scheme first. A person who declines opts for court.",
)
ADMISSION = Question(
    code="admission",
    label="How has the person responded to the offence?",
    choices=(
        ("admitted", "Admitted the offence in interview"),
        ("accepts_responsibility", "Accepts responsibility"),
        ("no_comment", "No comment in interview, with sufficient evidence"),
        ("denies", "Denies the offence"),
    ),
    hint="Record which: schemes differ on whether a no-comment interview is enough.",
)
DVPO = Question(
    code="no_dvpo",
    label="Is there a current Domestic Violence Protection Notice or Order against the person?",
    choices=YES_NO,
)
COURT_ORDER = Question(
    code="no_court_order",
    label="Is the person subject to a current court order, or serving a sentence from a court?",
    choices=YES_NO,
)
PRISON_LICENCE = Question(
    code="no_prison_licence",
    label="Is the person on licence from prison?",
    choices=YES_NO,
)
OTHER_BAIL = Question(
    code="no_other_bail",
    label="Is the person on police or court bail, or released under investigation, for a different offence?",
    choices=YES_NO,
)

QUESTIONS: tuple[Question, ...] = (CONSENT, ADMISSION, DVPO, COURT_ORDER, PRISON_LICENCE, OTHER_BAIL)

NO_COMMENT_ACCEPTED = 1


def _answer_of(facts: Facts, question: Question) -> str | None:
    """The recorded answer, or None while it is missing, blank or not one of the question's choices."""
    answer = facts.answers.get(question.code, "")
    return answer if answer in {value for value, _label in question.choices} else None


def _not_answered(question: Question) -> tuple[str, str]:
    return UNANSWERED, f"Not answered yet: {question.label}"


def _yes_no_check(question: Question, *, passes_on: str, pass_reason: str, fail_reason: str) -> _Check:
    """A check for a yes/no question where one answer passes and the other fails."""

    def check(facts: Facts, context: _RuleContext) -> tuple[str, str]:
        answer = _answer_of(facts, question)
        if answer is None:
            return _not_answered(question)
        return (PASS, pass_reason) if answer == passes_on else (FAIL, fail_reason)

    return check


def _check_admission(facts: Facts, context: _RuleContext) -> tuple[str, str]:
    answer = _answer_of(facts, ADMISSION)
    if answer is None:
        return _not_answered(ADMISSION)
    if answer == "admitted":
        return PASS, "Admitted the offence in interview."
    if answer == "accepts_responsibility":
        return PASS, "Accepts responsibility for the offence."
    if answer == "no_comment":
        if context.parameter == NO_COMMENT_ACCEPTED:
            return PASS, "Gave a no-comment interview and the evidence is sufficient; this force accepts that."
        return FAIL, "Gave a no-comment interview: this force requires an admission or an acceptance of responsibility."
    return FAIL, "The person denies the offence: the scheme needs an admission or an acceptance of responsibility."


# --- Optional rules ---------------------------------------------------------------------


def _flag_check(flag: Callable[[Facts], bool], *, pass_reason: str, fail_reason: str) -> _Check:
    """A check that fails when one recorded yes/no fact about the case is true."""

    def check(facts: Facts, context: _RuleContext) -> tuple[str, str]:
        return (FAIL, fail_reason) if flag(facts) else (PASS, pass_reason)

    return check


def _check_offence_recent(facts: Facts, context: _RuleContext) -> tuple[str, str]:
    months = context.parameter or 0
    earliest = _months_before(facts.assessment_date, months)
    offence_on = f"The offence on {_long_date(facts.offence_date)}"
    assessed_on = f"the assessment date ({_long_date(facts.assessment_date)})"
    if facts.offence_date >= earliest:
        return PASS, f"{offence_on} is within {months} months of {assessed_on}."
    return FAIL, (
        f"{offence_on} is more than {months} months before {assessed_on}: "
        f"only offences on or after {_long_date(earliest)} are accepted."
    )


def _check_no_sexual_offence(facts: Facts, context: _RuleContext) -> tuple[str, str]:
    sexual = [
        offence.title
        for offence in facts.offences
        if offence.crime_subgroup.strip().casefold() in SEXUAL_OFFENCE_SUBGROUPS
    ]
    if sexual:
        verb = "is a sexual offence" if len(sexual) == 1 else "are sexual offences"
        return FAIL, f"{_and_list(sexual)} {verb}: this force excludes sexual offences from the scheme."
    return PASS, "No sexual offence recorded."


# --- The rules, in display order --------------------------------------------------------


def _computed(code: str, name: str, check: _Check, *, optional: bool = False) -> Rule:
    return Rule(
        code=code, name=name, optional=optional, default_parameter=None, parameter_help="", asked=False, _check=check
    )


def _asked_yes_no(question: Question, name: str, *, passes_on: str, pass_reason: str, fail_reason: str) -> Rule:
    check = _yes_no_check(question, passes_on=passes_on, pass_reason=pass_reason, fail_reason=fail_reason)
    return Rule(
        code=question.code,
        name=name,
        optional=False,
        default_parameter=None,
        parameter_help="",
        asked=True,
        _check=check,
    )


RULES: tuple[Rule, ...] = (
    # Core, computed.
    _computed("adult", "Aged 18 or over on the offence date", _check_adult),
    _computed("lives_in_area", "Lives in the force area", _check_lives_in_area),
    _computed("offence_in_area", "Offence committed in the force area", _check_offence_in_area),
    _computed("offence_not_indictable", "Offence is summary or either-way", _check_offence_not_indictable),
    _computed("means_of_contact", "Postal or email address, and a phone number", _check_means_of_contact),
    # Core, asked.
    _asked_yes_no(
        CONSENT,
        "Agrees to take part",
        passes_on="yes",
        pass_reason="Agrees to take part in the scheme.",
        fail_reason="The person does not agree to take part in the scheme.",
    ),
    Rule(
        code=ADMISSION.code,
        name="Admits the offence or accepts responsibility",
        optional=False,
        default_parameter=0,
        parameter_help="1 to accept a no-comment interview where the evidence is sufficient, 0 to require an admission",
        asked=True,
        _check=_check_admission,
    ),
    _asked_yes_no(
        DVPO,
        "No current DVPN or DVPO",
        passes_on="no",
        pass_reason="No current Domestic Violence Protection Notice or Order.",
        fail_reason="There is a current Domestic Violence Protection Notice or Order against the person.",
    ),
    _asked_yes_no(
        COURT_ORDER,
        "Not subject to a court order or sentence",
        passes_on="no",
        pass_reason="Not subject to a current court order or sentence.",
        fail_reason="The person is subject to a current court order, or serving a sentence from a court.",
    ),
    _asked_yes_no(
        PRISON_LICENCE,
        "Not on prison licence",
        passes_on="no",
        pass_reason="Not on licence from prison.",
        fail_reason="The person is on licence from prison.",
    ),
    _asked_yes_no(
        OTHER_BAIL,
        "Not on bail or released under investigation for another offence",
        passes_on="no",
        pass_reason="Not on bail, or released under investigation, for a different offence.",
        fail_reason="The person is on police or court bail, or released under investigation, for a different offence.",
    ),
    # Optional, computed: off unless an administrator switches them on.
    _computed(
        "no_hate_crime",
        "Not a hate crime",
        _flag_check(
            lambda facts: facts.hate_crime,
            pass_reason="Not recorded as a hate crime.",
            fail_reason="Recorded as a hate crime: this force excludes hate crime from the scheme.",
        ),
        optional=True,
    ),
    _computed(
        "no_co_accused",
        "No co-accused",
        _flag_check(
            lambda facts: facts.co_accused,
            pass_reason="No co-accused recorded.",
            fail_reason="There is a co-accused: this force excludes offences with a co-accused from the scheme.",
        ),
        optional=True,
    ),
    Rule(
        code="offence_recent",
        name="Offence is recent",
        optional=True,
        default_parameter=3,
        parameter_help="Months",
        asked=False,
        _check=_check_offence_recent,
    ),
    _computed("no_sexual_offence", "Not a sexual offence", _check_no_sexual_offence, optional=True),
    _computed(
        "no_domestic_abuse",
        "Not domestic abuse",
        _flag_check(
            lambda facts: facts.domestic_abuse,
            pass_reason="Not recorded as domestic abuse.",
            fail_reason="Recorded as domestic abuse: this force excludes domestic abuse from the scheme.",
        ),
        optional=True,
    ),
)


# --- Running the rules ------------------------------------------------------------------


def eligibility_check(
    facts: Facts, *, force_postcode_areas: Sequence[str], settings: Mapping[str, RuleSetting]
) -> list[RuleResult]:
    """Results for every enabled rule, in RULES order.

    Core rules always run, whatever `settings` says: the scheme's own criteria are not
    the administrator's to switch off, only to tune (the admission parameter).
    A rule missing from `settings`, or a setting without a parameter, uses the rule's defaults.
    Settings for codes that are not rules are ignored, so a retired rule's stored setting is harmless.
    """
    areas = frozenset(postcode_area(area) for area in force_postcode_areas)
    results = []
    for rule in RULES:
        setting = settings.get(rule.code)
        enabled = not rule.optional or (setting is not None and setting.enabled)
        if not enabled:
            continue
        parameter = setting.parameter if setting is not None else None
        if parameter is None:
            parameter = rule.default_parameter
        outcome, reason = rule._check(facts, _RuleContext(force_postcode_areas=areas, parameter=parameter))
        results.append(RuleResult(code=rule.code, name=rule.name, outcome=outcome, reason=reason))
    return results


def eligibility_outcome(results: Sequence[RuleResult]) -> str:
    """INELIGIBLE if any rule fails; otherwise NEEDS_ANSWERS if any is unanswered; otherwise ELIGIBLE.

    A fail wins over an unanswered question: no answer could make the person eligible.
    """
    outcomes = {result.outcome for result in results}
    if FAIL in outcomes:
        return INELIGIBLE
    if UNANSWERED in outcomes:
        return NEEDS_ANSWERS
    return ELIGIBLE

"""The eligibility engine: each rule alone, their boundaries, and the outcome as a whole.

The engine is pure, so none of these tests touch the database. Every case starts from
a fully eligible person and changes one thing with `dataclasses.replace`, so a failure
points at exactly one rule.
"""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.eligibility import (
    ELIGIBLE,
    FAIL,
    INELIGIBLE,
    NEEDS_ANSWERS,
    PASS,
    QUESTIONS,
    RULES,
    UNANSWERED,
    Facts,
    OffenceFacts,
    RuleSetting,
    age_on,
    eligibility_check,
    eligibility_outcome,
    postcode_area,
)

FORCE_AREAS = ("EX", "PL", "TQ", "TR")  # Devon and Cornwall

CORE_CODES = {rule.code for rule in RULES if not rule.optional}
OPTIONAL_CODES = {rule.code for rule in RULES if rule.optional}
ASKED_CODES = {rule.code for rule in RULES if rule.asked}
ALL_OPTIONAL_ON = {code: RuleSetting(enabled=True) for code in OPTIONAL_CODES}

SHOPLIFTING = OffenceFacts(title="Shoplifting", mode_of_trial="either_way", crime_subgroup="Shoplifting")
ROBBERY = OffenceFacts(title="Robbery of personal property", mode_of_trial="indictable", crime_subgroup="Robbery")
MURDER = OffenceFacts(title="Murder", mode_of_trial="indictable", crime_subgroup="Homicide")
EXPOSURE = OffenceFacts(title="Exposure", mode_of_trial="either_way", crime_subgroup="Other sexual offences")

ELIGIBLE_ANSWERS = {
    "consent": "yes",
    "admission": "admitted",
    "no_dvpo": "no",
    "no_court_order": "no",
    "no_prison_licence": "no",
    "no_other_bail": "no",
}

ASSESSED_ON = date(2026, 3, 10)


def eligible_facts(**changes) -> Facts:
    """A person every rule passes, core and optional, with `changes` applied."""
    baseline = Facts(
        date_of_birth=date(1991, 6, 15),
        offence_date=ASSESSED_ON - timedelta(days=14),
        assessment_date=ASSESSED_ON,
        home_postcode="EX1 1AA",
        offence_postcode="PL4 8AA",
        offences=(SHOPLIFTING,),
        has_postal_address=True,
        has_email=True,
        has_phone=True,
        domestic_abuse=False,
        hate_crime=False,
        co_accused=False,
        answers=ELIGIBLE_ANSWERS,
    )
    return replace(baseline, **changes)


def answered(**changes: str) -> dict[str, str]:
    return {**ELIGIBLE_ANSWERS, **changes}


def check(facts: Facts, rule_settings: dict[str, RuleSetting] | None = None):
    return eligibility_check(facts, force_postcode_areas=FORCE_AREAS, settings=rule_settings or {})


def by_code(results) -> dict:
    return {result.code: result for result in results}


def failed_codes(results) -> set[str]:
    return {result.code for result in results if result.outcome == FAIL}


# --- The catalogue ----------------------------------------------------------------------


def test_every_asked_rule_has_a_question_of_the_same_code_and_every_question_a_rule():
    assert {question.code for question in QUESTIONS} == ASKED_CODES
    assert len(QUESTIONS) == len(ASKED_CODES)


def test_rule_codes_are_unique_and_core_rules_come_before_optional_ones():
    codes = [rule.code for rule in RULES]
    assert len(codes) == len(set(codes))
    optional_flags = [rule.optional for rule in RULES]
    assert optional_flags == sorted(optional_flags)


def test_only_rules_with_a_default_parameter_explain_it():
    for rule in RULES:
        assert bool(rule.parameter_help) == (rule.default_parameter is not None), rule.code


# --- The baseline -----------------------------------------------------------------------


@pytest.mark.parametrize("rule_settings", [{}, ALL_OPTIONAL_ON], ids=["core rules", "every rule switched on"])
def test_baseline_person_passes_every_rule_and_is_eligible(rule_settings):
    results = check(eligible_facts(), rule_settings)

    assert [result.outcome for result in results] == [PASS] * len(results)
    assert all(result.reason for result in results)
    assert eligibility_outcome(results) == ELIGIBLE


# --- Each rule failing alone ------------------------------------------------------------

FAILING_ALONE = [
    pytest.param("adult", {"date_of_birth": date(2009, 1, 1)}, "17", id="adult"),
    pytest.param("lives_in_area", {"home_postcode": "B1 1AA"}, "B1 1AA", id="lives_in_area"),
    pytest.param("offence_in_area", {"offence_postcode": "bs1 4dj"}, "BS1 4DJ", id="offence_in_area"),
    pytest.param(
        "offence_not_indictable", {"offences": (SHOPLIFTING, ROBBERY)}, "Robbery", id="offence_not_indictable"
    ),
    pytest.param("means_of_contact", {"has_phone": False}, "phone", id="means_of_contact"),
    pytest.param("consent", {"answers": answered(consent="no")}, "does not agree", id="consent"),
    pytest.param("admission", {"answers": answered(admission="denies")}, "denies", id="admission"),
    pytest.param("no_dvpo", {"answers": answered(no_dvpo="yes")}, "Domestic Violence Protection", id="no_dvpo"),
    pytest.param("no_court_order", {"answers": answered(no_court_order="yes")}, "court order", id="no_court_order"),
    pytest.param(
        "no_prison_licence", {"answers": answered(no_prison_licence="yes")}, "licence", id="no_prison_licence"
    ),
    pytest.param("no_other_bail", {"answers": answered(no_other_bail="yes")}, "bail", id="no_other_bail"),
    pytest.param("no_hate_crime", {"hate_crime": True}, "hate crime", id="no_hate_crime"),
    pytest.param("no_co_accused", {"co_accused": True}, "co-accused", id="no_co_accused"),
    pytest.param("offence_recent", {"offence_date": date(2025, 11, 1)}, "1 November 2025", id="offence_recent"),
    pytest.param("no_sexual_offence", {"offences": (SHOPLIFTING, EXPOSURE)}, "Exposure", id="no_sexual_offence"),
    pytest.param("no_domestic_abuse", {"domestic_abuse": True}, "domestic abuse", id="no_domestic_abuse"),
]


def test_the_failing_alone_table_covers_every_rule():
    assert {case.values[0] for case in FAILING_ALONE} == {rule.code for rule in RULES}


@pytest.mark.parametrize(("code", "changes", "fact_in_reason"), FAILING_ALONE)
def test_each_rule_fails_alone_with_a_reason_naming_the_fact(code, changes, fact_in_reason):
    results = check(eligible_facts(**changes), ALL_OPTIONAL_ON)

    assert failed_codes(results) == {code}
    assert eligibility_outcome(results) == INELIGIBLE
    assert fact_in_reason.casefold() in by_code(results)[code].reason.casefold()


# --- Unanswered questions ---------------------------------------------------------------


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda question: question.code)
@pytest.mark.parametrize("unanswered", ["missing", "blank"])
def test_an_unanswered_question_leaves_the_case_needing_answers(question, unanswered):
    answers = {code: value for code, value in ELIGIBLE_ANSWERS.items() if code != question.code}
    if unanswered == "blank":
        answers[question.code] = ""

    results = check(eligible_facts(answers=answers))

    assert {result.code for result in results if result.outcome != PASS} == {question.code}
    assert by_code(results)[question.code].outcome == UNANSWERED
    assert question.label in by_code(results)[question.code].reason
    assert eligibility_outcome(results) == NEEDS_ANSWERS


def test_an_answer_that_is_not_one_of_the_choices_counts_as_unanswered():
    results = check(eligible_facts(answers=answered(consent="maybe")))

    assert by_code(results)["consent"].outcome == UNANSWERED


def test_a_fail_outweighs_an_unanswered_question():
    answers = {code: value for code, value in ELIGIBLE_ANSWERS.items() if code != "consent"}
    results = check(eligible_facts(home_postcode="B1 1AA", answers=answers))

    assert by_code(results)["consent"].outcome == UNANSWERED
    assert eligibility_outcome(results) == INELIGIBLE


def test_no_answers_at_all_leaves_every_question_unanswered():
    results = check(eligible_facts(answers={}))

    assert {result.code for result in results if result.outcome == UNANSWERED} == ASKED_CODES
    assert eligibility_outcome(results) == NEEDS_ANSWERS


# --- Combinations -----------------------------------------------------------------------


def test_several_failures_are_all_reported():
    facts = eligible_facts(
        date_of_birth=date(2010, 1, 1),
        home_postcode="",
        offences=(ROBBERY,),
        has_phone=False,
        hate_crime=True,
        answers=answered(consent="no", no_other_bail="yes"),
    )

    results = check(facts, ALL_OPTIONAL_ON)

    assert failed_codes(results) == {
        "adult",
        "lives_in_area",
        "offence_not_indictable",
        "means_of_contact",
        "consent",
        "no_other_bail",
        "no_hate_crime",
    }
    assert eligibility_outcome(results) == INELIGIBLE


def test_every_indictable_only_offence_is_named():
    results = check(eligible_facts(offences=(ROBBERY, SHOPLIFTING, MURDER)))

    reason = by_code(results)["offence_not_indictable"].reason
    assert "Robbery of personal property" in reason
    assert "Murder" in reason
    assert "Shoplifting" not in reason


@pytest.mark.parametrize(
    ("offences", "fact_in_reason"),
    [
        pytest.param((), "No offence", id="no offences"),
        pytest.param((replace(SHOPLIFTING, mode_of_trial=""),), "Shoplifting", id="unknown mode of trial"),
    ],
)
def test_offence_without_a_known_out_of_court_mode_fails(offences, fact_in_reason):
    result = by_code(check(eligible_facts(offences=offences)))["offence_not_indictable"]

    assert result.outcome == FAIL
    assert fact_in_reason in result.reason


@pytest.mark.parametrize(
    ("postal", "email", "phone", "outcome", "missing"),
    [
        (True, False, True, PASS, []),
        (False, True, True, PASS, []),
        (False, False, True, FAIL, ["No postal address or email address"]),
        (True, True, False, FAIL, ["no phone number"]),
        (False, False, False, FAIL, ["No postal address or email address", "no phone number"]),
    ],
)
def test_means_of_contact_says_exactly_what_is_missing(postal, email, phone, outcome, missing):
    facts = eligible_facts(has_postal_address=postal, has_email=email, has_phone=phone)

    result = by_code(check(facts))["means_of_contact"]

    assert result.outcome == outcome
    for gap in missing:
        assert gap.casefold() in result.reason.casefold()


def test_no_home_postcode_fails_and_says_so():
    result = by_code(check(eligible_facts(home_postcode="")))["lives_in_area"]

    assert result.outcome == FAIL
    assert "No home postcode recorded" in result.reason


# --- Boundaries -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date_of_birth", "offence_date", "outcome"),
    [
        pytest.param(date(2008, 3, 4), date(2026, 3, 3), FAIL, id="17 years 364 days"),
        pytest.param(date(2008, 3, 3), date(2026, 3, 3), PASS, id="18th birthday"),
        pytest.param(date(2008, 2, 29), date(2026, 2, 28), FAIL, id="leap-day birthday, 28 February"),
        pytest.param(date(2008, 2, 29), date(2026, 3, 1), PASS, id="leap-day birthday, 1 March"),
    ],
)
def test_adult_on_the_offence_date(date_of_birth, offence_date, outcome):
    facts = eligible_facts(date_of_birth=date_of_birth, offence_date=offence_date)

    assert by_code(check(facts))["adult"].outcome == outcome


@pytest.mark.parametrize(
    ("date_of_birth", "on", "age"),
    [
        (date(2008, 2, 29), date(2026, 2, 28), 17),
        (date(2008, 2, 29), date(2026, 3, 1), 18),
        (date(2008, 2, 29), date(2028, 2, 29), 20),
        (date(1990, 12, 31), date(2026, 12, 30), 35),
        (date(1990, 12, 31), date(2026, 12, 31), 36),
    ],
)
def test_age_on_counts_whole_years(date_of_birth, on, age):
    assert age_on(date_of_birth, on) == age


@pytest.mark.parametrize(
    ("postcode", "area"),
    [
        ("EX1 1AA", "EX"),
        ("ex11aa", "EX"),
        ("  tq2 5ab ", "TQ"),
        ("PL12 3AB", "PL"),
        ("B1 1AA", "B"),
        ("", ""),
        ("123", ""),
    ],
)
def test_postcode_area_is_the_leading_letters_in_upper_case(postcode, area):
    assert postcode_area(postcode) == area


@pytest.mark.parametrize(
    ("postcode", "outcome"),
    [
        ("EX1 1AA", PASS),
        ("ex11aa", PASS),
        ("PL12 3AB", PASS),
        ("tr1 2xx", PASS),
        ("B1 1AA", FAIL),
        ("BS1 4DJ", FAIL),
        ("123", FAIL),
    ],
)
def test_lives_in_area_compares_the_postcode_area(postcode, outcome):
    assert by_code(check(eligible_facts(home_postcode=postcode)))["lives_in_area"].outcome == outcome


def test_force_areas_are_compared_in_upper_case():
    results = eligibility_check(eligible_facts(), force_postcode_areas=["ex", "pl"], settings={})

    assert by_code(results)["lives_in_area"].outcome == PASS
    assert by_code(results)["offence_in_area"].outcome == PASS


@pytest.mark.parametrize(
    ("assessment_date", "offence_date", "months", "outcome"),
    [
        pytest.param(date(2026, 6, 15), date(2026, 3, 15), None, PASS, id="exactly 3 months (default)"),
        pytest.param(date(2026, 6, 15), date(2026, 3, 14), None, FAIL, id="3 months and a day"),
        pytest.param(date(2026, 6, 15), date(2025, 12, 15), 6, PASS, id="exactly 6 months"),
        pytest.param(date(2026, 6, 15), date(2025, 12, 14), 6, FAIL, id="6 months and a day"),
        pytest.param(date(2026, 5, 31), date(2026, 2, 28), None, PASS, id="31 May less 3 months is 28 February"),
        pytest.param(date(2026, 5, 31), date(2026, 2, 27), None, FAIL, id="the day before 28 February"),
        pytest.param(date(2028, 5, 31), date(2028, 2, 29), None, PASS, id="29 February in a leap year"),
        pytest.param(date(2028, 5, 31), date(2028, 2, 28), None, FAIL, id="the day before 29 February"),
        pytest.param(date(2026, 2, 10), date(2025, 11, 10), None, PASS, id="across a year end"),
    ],
)
def test_offence_recent_counts_calendar_months(assessment_date, offence_date, months, outcome):
    facts = eligible_facts(assessment_date=assessment_date, offence_date=offence_date)
    rule_settings = {"offence_recent": RuleSetting(enabled=True, parameter=months)}

    assert by_code(check(facts, rule_settings))["offence_recent"].outcome == outcome


# --- Parameters and settings ------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule_settings", "outcome"),
    [
        pytest.param({}, FAIL, id="default requires an admission"),
        pytest.param({"admission": RuleSetting(enabled=True, parameter=0)}, FAIL, id="parameter 0"),
        pytest.param({"admission": RuleSetting(enabled=True, parameter=None)}, FAIL, id="parameter unset"),
        pytest.param({"admission": RuleSetting(enabled=True, parameter=1)}, PASS, id="parameter 1"),
    ],
)
def test_no_comment_interview_passes_only_where_the_force_accepts_it(rule_settings, outcome):
    results = check(eligible_facts(answers=answered(admission="no_comment")), rule_settings)

    result = by_code(results)["admission"]
    assert result.outcome == outcome
    assert "no-comment" in result.reason


@pytest.mark.parametrize("answer", ["admitted", "accepts_responsibility"])
def test_admission_or_accepting_responsibility_passes(answer):
    assert by_code(check(eligible_facts(answers=answered(admission=answer))))["admission"].outcome == PASS


@pytest.mark.parametrize(
    "rule_settings",
    [
        pytest.param({}, id="no settings"),
        pytest.param({code: RuleSetting(enabled=False) for code in OPTIONAL_CODES}, id="switched off"),
    ],
)
def test_disabled_optional_rules_produce_no_result(rule_settings):
    facts = eligible_facts(hate_crime=True, co_accused=True, domestic_abuse=True, offences=(EXPOSURE,))

    results = check(facts, rule_settings)

    assert {result.code for result in results} == CORE_CODES
    assert eligibility_outcome(results) == ELIGIBLE


def test_core_rules_run_even_when_settings_say_disabled():
    rule_settings = {code: RuleSetting(enabled=False) for code in CORE_CODES}

    results = check(eligible_facts(home_postcode="B1 1AA"), rule_settings)

    assert {result.code for result in results} == CORE_CODES
    assert failed_codes(results) == {"lives_in_area"}


def test_results_follow_the_order_of_the_rules():
    results = check(eligible_facts(), ALL_OPTIONAL_ON)

    assert [result.code for result in results] == [rule.code for rule in RULES]
    assert [result.name for result in results] == [rule.name for rule in RULES]


def test_settings_for_unknown_rules_are_ignored():
    results = check(eligible_facts(), {"retired_rule": RuleSetting(enabled=True)})

    assert {result.code for result in results} == CORE_CODES


# --- The outcome as a whole, for arbitrary facts ----------------------------------------

IN_AREA = list(FORCE_AREAS)
OUT_OF_AREA = ["B", "BS", "TA", "DT", "SW", "E"]


@st.composite
def postcodes(draw) -> str:
    """Real-looking postcodes from areas in and out of the force, in either case and any spacing, or none."""
    area = draw(st.sampled_from(IN_AREA + OUT_OF_AREA))
    district = draw(st.integers(min_value=1, max_value=99))
    separator = draw(st.sampled_from([" ", "", "  "]))
    inward = draw(st.sampled_from(["1AA", "9XY", "4BD"]))
    postcode = f"{area}{district}{separator}{inward}"
    return draw(st.sampled_from([postcode, postcode.lower(), ""]))


offences = st.builds(
    OffenceFacts,
    title=st.sampled_from(["Shoplifting", "Criminal damage", "Robbery", "Exposure", "Common assault"]),
    mode_of_trial=st.sampled_from(["summary", "either_way", "indictable"]),
    crime_subgroup=st.sampled_from(
        ["Shoplifting", "Criminal damage", "Robbery", "Rape offences", "Other sexual offences"]
    ),
)
# Each question's eligible answer sits beside "not answered" and every other choice,
# so a drawn set of answers is often complete, often partial and often failing.
answers = st.fixed_dictionaries(
    {},
    optional={
        question.code: st.sampled_from(
            [ELIGIBLE_ANSWERS[question.code], ""] + [value for value, _label in question.choices]
        )
        for question in QUESTIONS
    },
)
setting_maps = st.dictionaries(
    keys=st.sampled_from([rule.code for rule in RULES]),
    values=st.builds(
        RuleSetting,
        enabled=st.booleans(),
        parameter=st.one_of(st.none(), st.integers(min_value=0, max_value=24)),
    ),
)
FACT_STRATEGIES = {
    "date_of_birth": st.dates(min_value=date(1940, 1, 1), max_value=date(2015, 12, 31)),
    "offence_date": st.dates(min_value=date(2015, 1, 1), max_value=date(2026, 12, 31)),
    "assessment_date": st.dates(min_value=date(2015, 1, 1), max_value=date(2027, 12, 31)),
    "home_postcode": postcodes(),
    "offence_postcode": postcodes(),
    "offences": st.lists(offences, max_size=3).map(tuple),
    "has_postal_address": st.booleans(),
    "has_email": st.booleans(),
    "has_phone": st.booleans(),
    "domestic_abuse": st.booleans(),
    "hate_crime": st.booleans(),
    "co_accused": st.booleans(),
    "answers": answers,
}


@st.composite
def arbitrary_facts(draw) -> Facts:
    """The eligible baseline with any subset of its facts redrawn at random.

    Drawing every fact independently almost never yields an eligible person, and then
    the property would hold without ever being tested on ELIGIBLE or NEEDS_ANSWERS.
    """
    redrawn = draw(st.sets(st.sampled_from(sorted(FACT_STRATEGIES))))
    return eligible_facts(**{name: draw(FACT_STRATEGIES[name]) for name in sorted(redrawn)})


@settings(max_examples=200, deadline=None)
@given(facts=arbitrary_facts(), rule_settings=setting_maps)
def test_outcome_follows_the_results_and_every_enabled_rule_reports(facts, rule_settings):
    results = eligibility_check(facts, force_postcode_areas=FORCE_AREAS, settings=rule_settings)
    outcome = eligibility_outcome(results)
    outcomes = {result.outcome for result in results}

    assert outcomes <= {PASS, FAIL, UNANSWERED}
    assert outcome in {ELIGIBLE, INELIGIBLE, NEEDS_ANSWERS}
    assert all(result.reason for result in results)
    assert (outcome == ELIGIBLE) == (FAIL not in outcomes and UNANSWERED not in outcomes)
    assert (outcome == INELIGIBLE) == (FAIL in outcomes)
    enabled_optional = {code for code in OPTIONAL_CODES if code in rule_settings and rule_settings[code].enabled}
    assert {result.code for result in results} == CORE_CODES | enabled_optional

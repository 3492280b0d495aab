from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import eligibility, services
from cases.models import (
    Case, CaseBaseline, CaseEvent, CaseStateError, EligibilityAssessment, EligibilityRule, Offence, Person,
)
from cases.selectors import person_candidates
from cases.tests.factories import AwaitingAllocationCaseFactory, CrimeFactory, PersonFactory, ReadyDraftCaseFactory

pytestmark = pytest.mark.django_db

PERSON = {
    "first_names": "Kelly", "last_name": "Trewartha", "date_of_birth": date(2003, 6, 14), "sex": Person.Sex.FEMALE,
    "ethnicity": Person.Ethnicity.NOT_STATED, "pnc_id": "", "address_line_1": "4 Quay Street", "address_line_2": "",
    "town": "Truro", "postcode": "TR1 2AB", "phone": "07700 900123", "email": "", "preferred_contact": "phone",
}


def submit(case, **kwargs):
    return services.intake_submit(case=case, user=case.created_by, **{"decision": "submitted", "route": Case.Route.DEFERRED_CHARGE, **kwargs})


def test_submitting_an_eligible_case_creates_exactly_the_expected_records():
    case = ReadyDraftCaseFactory(person__sex=Person.Sex.FEMALE, person__date_of_birth=date(2003, 6, 14))
    people_before = Person.objects.count()
    assessment = submit(case)
    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING_ALLOCATION
    assert case.route == Case.Route.DEFERRED_CHARGE
    assert case.submitted_at is not None
    assert (case.young_adult_offer, case.womens_offer) == (True, True)
    assert EligibilityAssessment.objects.filter(case=case).count() == 1
    assert assessment.outcome == "eligible"
    assert assessment.decision == EligibilityAssessment.Decision.SUBMITTED
    assert assessment.assessed_by == case.created_by
    assert all(result["outcome"] == "pass" for result in assessment.results)
    assert len(assessment.rule_set_version) == 10
    baseline = CaseBaseline.objects.get(case=case)
    assert (baseline.sex, baseline.offence_codes, baseline.previous_offences, baseline.route) == (
        Person.Sex.FEMALE, ["TH-SHOP"], 2, Case.Route.DEFERRED_CHARGE
    )
    assert baseline.home_postcode_area == "TR"
    assert list(case.events.values_list("kind", flat=True)) == [CaseEvent.Kind.SUBMITTED]
    assert Person.objects.count() == people_before


def test_an_indictable_offence_closes_the_case_as_ineligible_with_its_reason():
    case = ReadyDraftCaseFactory(crime__offences=[Offence.objects.get(code="RO-PERSONAL")])
    assessment = submit(case, decision="closed_ineligible", route="")
    case.refresh_from_db()
    assert case.status == Case.Status.INELIGIBLE
    assert case.closed_at is not None
    failed = assessment.failed_results()
    assert [result["code"] for result in failed] == ["offence_not_indictable"]
    assert "Robbery of personal property" in failed[0]["reason"]
    assert case.events.first().kind == CaseEvent.Kind.INELIGIBLE


def test_an_ineligible_case_cannot_simply_be_submitted():
    case = ReadyDraftCaseFactory(person__postcode="BS1 4DJ")
    with pytest.raises(ValidationError):
        submit(case)
    case.refresh_from_db()
    assert case.status == Case.Status.DRAFT
    assert not EligibilityAssessment.objects.exists()


def test_override_requires_a_reason_and_saves_nothing_without_one():
    case = ReadyDraftCaseFactory(person__postcode="BS1 4DJ")
    with pytest.raises(ValidationError) as refused:
        submit(case, decision="overridden", override_reason="   ")
    assert "override_reason" in refused.value.error_dict
    case.refresh_from_db()
    assert case.status == Case.Status.DRAFT
    assert not EligibilityAssessment.objects.exists() and not CaseBaseline.objects.exists()


def test_override_with_a_reason_submits_and_keeps_the_reason_for_supervisors():
    case = ReadyDraftCaseFactory(person__postcode="BS1 4DJ")
    assessment = submit(case, decision="overridden", override_reason="Moved into Plymouth last week")
    case.refresh_from_db()
    assert case.status == Case.Status.AWAITING_ALLOCATION
    assert case.override_reason == assessment.override_reason == "Moved into Plymouth last week"
    assert assessment.outcome == "ineligible"
    assert [r["code"] for r in assessment.failed_results()] == ["lives_in_area"]


def test_unanswered_questions_block_the_decision():
    case = ReadyDraftCaseFactory(draft_answers={"consent": "yes"})
    with pytest.raises(ValidationError, match="Answer every eligibility question"):
        submit(case)


def test_a_route_is_needed_to_submit():
    with pytest.raises(ValidationError) as refused:
        submit(ReadyDraftCaseFactory(), route="")
    assert "route" in refused.value.error_dict


def test_a_submitted_case_cannot_be_submitted_again():
    case = AwaitingAllocationCaseFactory()
    with pytest.raises(CaseStateError, match="has been submitted already"):
        submit(case)
    assert EligibilityAssessment.objects.filter(case=case).count() == 1


def test_a_crime_reference_already_used_is_refused_and_names_the_case():
    existing = CrimeFactory(reference="CR/1/26")
    case = ReadyDraftCaseFactory()
    crime = case.crimes.get()
    with pytest.raises(ValidationError) as refused:
        services.intake_crime_save(
            case=case, user=case.created_by, offences=[Offence.objects.get(code="TH-SHOP")],
            data={"reference": "cr/1/26", "offence_date": crime.offence_date, "offence_postcode": "TR1 3XX",
                  "domestic_abuse": False, "hate_crime": False, "co_accused": False,
                  "officer_name": "PC X", "officer_collar_number": "1", "officer_email": "x@example.org"},
        )
    assert existing.case.number in refused.value.message_dict["reference"][0]
    crime.refresh_from_db()
    assert crime.reference != "CR/1/26"


def test_offence_date_before_the_date_of_birth_is_refused():
    case = ReadyDraftCaseFactory(person__date_of_birth=date(2000, 1, 1))
    crime = case.crimes.get()
    with pytest.raises(ValidationError, match="after the person's date of birth"):
        services.intake_crime_save(
            case=case, user=case.created_by, offences=list(crime.offences.all()),
            data={"reference": crime.reference, "offence_date": date(1999, 12, 31), "offence_postcode": "TR1 3XX",
                  "domestic_abuse": False, "hate_crime": False, "co_accused": False,
                  "officer_name": "PC X", "officer_collar_number": "1", "officer_email": "x@example.org"},
        )


def test_linking_a_returning_person_creates_no_second_person_and_keeps_their_identity():
    returning = PersonFactory(first_names="Kelly", last_name="Trewartha", pnc_id="12/3456789A", postcode="TR1 1AA")
    case = ReadyDraftCaseFactory(person=None)
    people_before = Person.objects.count()
    person = services.intake_person_save(
        case=case, user=case.created_by, existing_person=returning,
        data={**PERSON, "first_names": "Kelli", "postcode": "PL4 8AA", "phone": "07700 900999"},
    )
    assert person.pk == returning.pk
    assert Person.objects.count() == people_before
    returning.refresh_from_db()
    assert (returning.first_names, returning.postcode, returning.phone) == ("Kelly", "PL4 8AA", "07700 900999")
    assert returning.history.count() == 2
    case.refresh_from_db()
    assert case.person == returning


def test_a_new_person_gets_a_normalised_name_key():
    case = ReadyDraftCaseFactory(person=None)
    person = services.intake_person_save(case=case, user=case.created_by, data={**PERSON, "first_names": "Zoë-Anne"})
    assert person.name_key == "zoe anne trewartha"


def test_possible_duplicates_are_found_by_pnc_id_or_birthday_and_similar_name():
    born = date(1990, 5, 1)
    same_pnc = PersonFactory(first_names="Anyone", last_name="Else", pnc_id="12/3456789A", date_of_birth=date(1980, 1, 1))
    similar = PersonFactory(first_names="Jon", last_name="Smith", date_of_birth=born)
    accented = PersonFactory(first_names="Jóhn", last_name="Smyth", date_of_birth=born)
    PersonFactory(first_names="Priya", last_name="Nair", date_of_birth=born)
    PersonFactory(first_names="John", last_name="Trewartha", date_of_birth=born)  # a shared first name is not enough
    PersonFactory(first_names="John", last_name="Smith", date_of_birth=date(1990, 5, 2))
    found = person_candidates(first_names="John", last_name="Smith", date_of_birth=born, pnc_id="12/3456789a")
    assert found[0] == same_pnc
    assert set(found) == {same_pnc, similar, accented}


def test_offence_import_loads_every_row_or_none():
    good = "code,title,mode_of_trial,crime_subgroup\nNEW-1,New offence,summary,Shoplifting\nTH-SHOP,Shop theft,either_way,Shoplifting\n"
    assert services.offence_import_csv(text=good) == (1, 1)
    assert Offence.objects.get(code="TH-SHOP").title == "Shop theft"
    bad = "code,title,mode_of_trial,crime_subgroup\nNEW-2,Fine,summary,Shoplifting\nNEW-3,Bad,sometimes,Nowhere\nNEW-2,Twice,summary,Shoplifting\n"
    with pytest.raises(ValidationError) as refused:
        services.offence_import_csv(text=bad)
    messages = refused.value.messages
    assert any(message.startswith("Line 3:") and "mode_of_trial" in message for message in messages)
    assert "Code NEW-2 appears more than once" in messages
    assert not Offence.objects.filter(code__in=["NEW-2", "NEW-3"]).exists()


def test_offence_import_refuses_a_file_with_the_wrong_columns():
    with pytest.raises(ValidationError, match="first line must be the column names"):
        services.offence_import_csv(text="name,mode\nx,y\n")


def test_the_default_catalogue_has_the_right_mode_of_trial_for_offences_teams_see():
    modes = dict(Offence.objects.values_list("code", "mode_of_trial"))
    assert len(modes) >= 40
    assert modes["TH-SHOP"] == modes["AS-ABH"] == modes["PO-AFFRAY"] == modes["DR-POSS-A"] == "either_way"
    assert modes["AS-COMMON"] == modes["PO-S5"] == modes["MV-EXCESS-ALCOHOL"] == "summary"
    assert modes["RO-PERSONAL"] == modes["AS-GBH-INTENT"] == "indictable"


def test_an_optional_rule_switched_on_by_an_administrator_applies_to_the_next_check():
    EligibilityRule.objects.filter(code="no_hate_crime").update(is_enabled=True)
    case = ReadyDraftCaseFactory(crime__hate_crime=True)
    assessment = submit(case, decision="closed_ineligible", route="")
    assert [result["code"] for result in assessment.failed_results()] == ["no_hate_crime"]
    assert assessment.rule_set_version != services.eligibility_rule_set_version(
        {**services.eligibility_rule_settings(), "no_hate_crime": eligibility.RuleSetting(enabled=False)}
    )


def test_optional_rules_are_off_by_default_and_core_rules_cannot_be_switched_off_in_the_admin():
    from cases.admin import EligibilityRuleForm

    assert set(EligibilityRule.objects.filter(is_enabled=False).values_list("code", flat=True)) == {
        "no_hate_crime", "no_co_accused", "offence_recent", "no_sexual_offence", "no_domestic_abuse"
    }
    core = EligibilityRule.objects.get(code="adult")
    form = EligibilityRuleForm({"is_enabled": False, "parameter": ""}, instance=core)
    assert not form.is_valid()
    assert "cannot be switched off" in form.errors["is_enabled"][0]


# --- Offence import ---------------------------------------------------------------------------------------

OFFENCE_HEADER = "code,title,mode_of_trial,crime_subgroup\n"


def offence_rows(count: int, *, start: int = 0, title: str = "Imported offence") -> str:
    return "".join(f"IMP-{n:06d},{title} {n},summary,Shoplifting\n" for n in range(start, start + count))


def test_an_offence_csv_with_a_cell_over_the_csv_limit_is_refused_by_line_and_nothing_is_written():
    before = Offence.objects.count()
    text = OFFENCE_HEADER + offence_rows(1) + f'IMP-X,"{"x" * 140_000}",summary,Shoplifting\n' + offence_rows(1, start=5)
    with pytest.raises(ValidationError) as refused:
        services.offence_import_csv(text=text)
    assert refused.value.messages == ["Line 3: a cell must be 131,072 characters or fewer. Nothing was imported"]
    assert Offence.objects.count() == before


def test_the_offence_import_command_refuses_a_cell_over_the_limit_without_a_traceback(tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "offences.csv"
    path.write_text(OFFENCE_HEADER + f'IMP-X,"{"x" * 140_000}",summary,Shoplifting\n', encoding="utf-8")
    before = Offence.objects.count()
    with pytest.raises(CommandError, match="Line 2: a cell must be 131,072 characters or fewer"):
        call_command("import_offences", str(path))
    assert Offence.objects.count() == before


def test_an_offence_import_runs_the_same_queries_for_5000_rows_as_for_50():
    with CaptureQueriesContext(connection) as few:
        assert services.offence_import_csv(text=OFFENCE_HEADER + offence_rows(50)) == (50, 0)
    with CaptureQueriesContext(connection) as many:
        assert services.offence_import_csv(text=OFFENCE_HEADER + offence_rows(5_000, start=100)) == (5_000, 0)
    assert len(many.captured_queries) == len(few.captured_queries) <= 8
    assert Offence.objects.filter(code__startswith="IMP-").count() == 5_050
    assert Offence.history.filter(code__startswith="IMP-", history_type="+").count() == 5_050
    renamed = OFFENCE_HEADER + offence_rows(5_000, start=100, title="Renamed")
    with CaptureQueriesContext(connection) as changed:
        assert services.offence_import_csv(text=renamed) == (0, 5_000)
    assert len(changed.captured_queries) <= len(few.captured_queries)
    assert Offence.objects.get(code="IMP-005099").title == "Renamed 5099"


def test_an_offence_import_updates_only_what_changed_and_refuses_duplicates_by_code():
    services.offence_import_csv(text=OFFENCE_HEADER + offence_rows(3))
    created, updated = services.offence_import_csv(
        text=OFFENCE_HEADER + offence_rows(2) + "IMP-000002,Renamed offence,either_way,Shoplifting\n" + offence_rows(1, start=9))
    assert (created, updated) == (1, 3)
    renamed = Offence.objects.get(code="IMP-000002")
    assert (renamed.title, renamed.mode_of_trial) == ("Renamed offence", "either_way")
    assert Offence.history.filter(code__startswith="IMP-", history_type="~").count() == 1
    with pytest.raises(ValidationError) as refused:
        services.offence_import_csv(text=OFFENCE_HEADER + offence_rows(1, start=20) + offence_rows(1, start=20, title="Again"))
    assert refused.value.messages == ["Code IMP-000020 appears more than once"]
    assert not Offence.objects.filter(code="IMP-000020").exists()


def test_linking_a_returning_person_leaves_what_the_officer_left_blank_as_it_was_on_record():
    returning = PersonFactory(email="kelly@example.org", phone="07700 900111", postcode="TR1 1AA")
    case = ReadyDraftCaseFactory(person=None)
    services.intake_person_save(case=case, user=case.created_by, existing_person=returning,
                                data={**PERSON, "email": "", "phone": "", "postcode": "PL4 8AA"})
    returning.refresh_from_db()
    assert (returning.email, returning.phone, returning.postcode) == ("kelly@example.org", "07700 900111", "PL4 8AA")

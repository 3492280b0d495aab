"""The personal-data hook (oocr/personal_data.py): every model about a person or a case is declared by some app,
and subject access and disposal, which ask only the hooks, keep their order."""

import pytest
from django.apps import apps

from cases.models import Case, Offence, Person
from cases.tests.factories import DraftCaseFactory, PersonFactory
from contracts.models import NeedsAssessment, NeedScore
from oocr.audit.subject_access import subject_access_data
from oocr.personal_data import hooks, uncovered_models

ROOTS = {"cases.Person", "cases.Case", "cases.Victim"}


def test_every_model_pointing_at_a_person_or_a_case_is_declared_by_some_apps_hook():
    covered = {label for hook in hooks() for label in hook.model_labels()}
    assert uncovered_models(apps.get_models(), roots=ROOTS, covered=covered) == []


def test_a_model_reached_through_a_chain_of_foreign_keys_and_left_out_is_found():
    # NeedScore points at a case only through its assessment; the history of an assessment counts as the assessment.
    history = NeedsAssessment.history.model
    models = [Person, Case, Offence, NeedsAssessment, NeedScore, history]
    covered = {"cases.Person", "cases.Case", "contracts.NeedsAssessment"}
    assert uncovered_models(models, roots=ROOTS, covered=covered) == ["contracts.NeedScore"]
    assert uncovered_models(models, roots=ROOTS, covered=covered - {"contracts.NeedsAssessment"}) == [
        "contracts.HistoricalNeedsAssessment", "contracts.NeedScore", "contracts.NeedsAssessment"]
    # A root no hook declares is a gap too.
    assert uncovered_models(models, roots=ROOTS, covered=covered - {"cases.Person"}) == ["cases.Person", "contracts.NeedScore"]


def test_every_model_a_hook_names_exists():
    for hook in hooks():
        for label in hook.model_labels():
            assert apps.get_model(label), label  # raises LookupError on a stale name


def test_disposal_runs_the_apps_erasures_in_their_order():
    order = [hook.app_label for hook in sorted(hooks(), key=lambda hook: (hook.erase_order, hook.app_label)) if hook.erase]
    # Contracts first, the case and the person after what hangs off them, the messages last.
    assert order == ["contracts", "documents", "api", "referrals", "trials", "portal", "keyworkers", "cases", "evaluation",
                     "notifications"]


@pytest.mark.django_db
def test_subject_access_sections_come_in_the_order_of_the_export():
    person = PersonFactory()
    DraftCaseFactory(person=person)
    titles = [section["title"] for section in subject_access_data(person=person)["sections"]]
    assert titles == [
        "Person", "Cases", "Crimes", "First contact", "Keyworkers allocated", "Needs assessments", "Need scores",
        "Keyworker actions", "Contracts", "Conditions", "Contacts and appointments", "Non-compliance", "Referrals",
        "Referral updates", "Referral packs shared with partners", "First appointments with partners",
        "Sessions with partners", "Documents on the cases", "Timeline", "Messages sent to the person", "Their answers to ending surveys",
        "Their comments in surveys", "Later crime records (for the evaluation)", "Access to these records",
    ]

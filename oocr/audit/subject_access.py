"""Subject access (DPA 2018 s45): everything held about one person, as JSON and a readable HTML page in a zip."""

import io
import json
import zipfile

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone

# Fields never sent: internal keys, staff accounts and search keys. Victims are third parties and are left out.
SKIPPED_FIELDS = {"name_key", "draft_answers", "calendar_token", "history_user", "version"}


def record_dict(record: models.Model) -> dict:
    """A record's own fields by their labels; relations to staff shown as their role in the record, not their account."""
    data = {}
    for field in record._meta.concrete_fields:
        if field.name in SKIPPED_FIELDS or field.name == "id":
            continue
        if field.is_relation:
            if field.related_model.__name__ in ("User", "ContentType"):
                continue
            value = getattr(record, field.attname)
        elif field.choices:
            value = getattr(record, f"get_{field.name}_display")()
        else:
            value = getattr(record, field.attname)
        data[str(field.verbose_name).capitalize()] = value
    return data


def section(title: str, records) -> dict:
    return {"title": title, "records": [record_dict(record) for record in records]}


def subject_access_data(*, person) -> dict:
    """Everything held about `person`, grouped by what it is."""
    from cases.models import Case, CaseEvent, Crime, FirstContact
    from contracts.models import Condition, Contact, Contract, KeyworkerAction, NeedsAssessment, NeedScore, NonCompliance
    from evaluation.models import CrimeRecord, SurveyAnswer, SurveyInstrument, SurveyResponse
    from keyworkers.models import Allocation
    from oocr.audit.models import AccessLog
    from oocr.notifications.models import Delivery
    from portal.models import FirstAppointment, PartnerSession, ReferralPack
    from referrals.models import Referral, ReferralUpdate

    cases = list(Case.objects.filter(person=person).order_by("created_at"))
    case_ids = [case.pk for case in cases]
    return {
        "sections": [
            section("Person", [person]),
            section("Cases", cases),
            section("Crimes", Crime.objects.filter(case_id__in=case_ids)),
            section("First contact", FirstContact.objects.filter(case_id__in=case_ids)),
            section("Keyworkers allocated", Allocation.objects.filter(case_id__in=case_ids)),
            section("Needs assessments", NeedsAssessment.objects.filter(case_id__in=case_ids)),
            section("Need scores", NeedScore.objects.filter(assessment__case_id__in=case_ids).select_related("domain")),
            section("Keyworker actions", KeyworkerAction.objects.filter(case_id__in=case_ids)),
            section("Contracts", Contract.objects.filter(case_id__in=case_ids)),
            section("Conditions", Condition.objects.filter(contract__case_id__in=case_ids)),
            section("Contacts and appointments", Contact.objects.filter(case_id__in=case_ids)),
            section("Non-compliance", NonCompliance.objects.filter(case_id__in=case_ids)),
            section("Referrals", Referral.objects.filter(case_id__in=case_ids)),
            section("Referral updates", ReferralUpdate.objects.filter(referral__case_id__in=case_ids)),
            section("Referral packs shared with partners", ReferralPack.objects.filter(referral__case_id__in=case_ids)),
            section("First appointments with partners", FirstAppointment.objects.filter(referral__case_id__in=case_ids)),
            section("Sessions with partners", PartnerSession.objects.filter(referral__case_id__in=case_ids)),
            section("Timeline", CaseEvent.objects.filter(case_id__in=case_ids).order_by("at")),
            section("Messages sent to the person", Delivery.objects.filter(person=person).order_by("created_at")),
            section("Their answers to ending surveys", SurveyAnswer.objects.filter(
                response__case_id__in=case_ids, response__instrument__respondent=SurveyInstrument.Respondent.PERSON)),
            section("Their comments in surveys", SurveyResponse.objects.filter(
                case_id__in=case_ids, instrument__respondent=SurveyInstrument.Respondent.PERSON).exclude(comments="")),
            section("Later crime records (for the evaluation)", CrimeRecord.objects.filter(person=person)),
            section("Access to these records", AccessLog.objects.filter(person_id=person.pk).order_by("at")),
        ],
    }


def subject_access_archive(*, person, reference: str, by) -> bytes:
    """The zip sent to the person: subject-access.json and subject-access.html."""
    data = {"reference": reference, "produced_at": timezone.now(), "person_record_number": person.pk,
            **subject_access_data(person=person)}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("subject-access.json", json.dumps(data, cls=DjangoJSONEncoder, indent=2))
        archive.writestr("subject-access.html", render_to_string("audit/subject_access_export.html", data))
    return buffer.getvalue()

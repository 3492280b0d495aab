"""Writes of the assessment stage: the needs assessments (first and closing) and the keyworker's actions
(safeguarding alerts, intelligence submissions, new crime records)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.models import Case, CaseEvent, CaseStateError
from cases.services import case_lock
from contracts.models import KeyworkerAction, NeedDomain, NeedsAssessment, NeedScore
from contracts.services.states import assessments_open
from oocr.concurrency.services import ANY_VERSION, version_bump


@transaction.atomic
def needs_assessment_record(*, case_id: int, user, kind: str, data: dict, scores: dict[int, dict],
                            read_version=ANY_VERSION) -> NeedsAssessment:
    """Record (or correct) the first or the closing assessment: every active domain scored 0 to 3.

    `scores` maps a NeedDomain id to {"score", "notes", "safeguarding"}. A
    safeguarding concern ticked on any domain goes on the timeline, and the
    page then prompts the keyworker to raise a safeguarding alert. A correction
    is made over the version the keyworker read (`read_version`, None when the
    page showed no assessment yet), or refused.
    """
    case = case_lock(case_id=case_id)
    if kind not in assessments_open(case):
        label = NeedsAssessment.Kind(kind).label.lower()
        raise CaseStateError(f"Case {case.number} is {case.get_status_display().lower()}, so its {label} cannot be recorded.")
    domains = list(NeedDomain.objects.filter(is_active=True))
    missing = [domain.name for domain in domains if domain.pk not in scores]
    if missing:
        raise ValidationError(f"Score every need domain: {', '.join(missing)} not scored")
    assessment, created = NeedsAssessment.objects.get_or_create(
        case=case, kind=kind, defaults={"recorded_by": user, **data}
    )
    if not created:
        version_bump(assessment, read_version=read_version, user=user)
        for field, value in data.items():
            setattr(assessment, field, value)
        assessment.recorded_by = user
        assessment.save()
    assessment.scores.all().delete()
    NeedScore.objects.bulk_create(
        NeedScore(assessment=assessment, domain=domain, **scores[domain.pk]) for domain in domains
    )
    concerns = [domain.name for domain in domains if scores[domain.pk].get("safeguarding")]
    CaseEvent.objects.create(case=case, by=user, kind=CaseEvent.Kind.ASSESSMENT, text=assessment.get_kind_display())
    if concerns:
        CaseEvent.objects.create(
            case=case, by=user, kind=CaseEvent.Kind.SAFEGUARDING, text=f"Concern noted in: {', '.join(concerns)}"
        )
    return assessment


@transaction.atomic
def keyworker_action_record(*, case_id: int, user, data: dict) -> KeyworkerAction:
    """Record a safeguarding alert, intelligence submission or new crime record raised about the person."""
    case = case_lock(case_id=case_id)
    if case.is_closed:
        raise CaseStateError(f"Case {case.number} is closed, so nothing more can be recorded on it.")
    action = KeyworkerAction(case=case, recorded_by=user, **data)
    if action.raised_on > timezone.localdate():
        raise ValidationError({"raised_on": "The date must be today or in the past"})
    if action.kind == KeyworkerAction.Kind.SAFEGUARDING and not action.concern:
        raise ValidationError({"concern": "Select what the safeguarding concern is about"})
    if action.kind == KeyworkerAction.Kind.CRIME_RECORD and not (action.reference and action.offence_id):
        raise ValidationError({"reference": "Enter the crime reference and the offence of the new crime record"})
    if KeyworkerAction.objects.filter(case=case, kind=action.kind, raised_on=action.raised_on, concern=action.concern,
                                      reference=action.reference, sent_to=action.sent_to).exists():
        # The page sent again (the back button and Save): one record, not two.
        raise ValidationError({"raised_on": f"This {action.get_kind_display().lower()} on {action.raised_on:%-d %B %Y} is "
                                            "recorded already: see the case's history, or change the date"})
    action.full_clean()
    action.save()
    if (action.kind == KeyworkerAction.Kind.CRIME_RECORD and case.status == Case.Status.ACTIVE
            and case.timeline.in_contract(action.raised_on)):
        # A new offence during the contract may be a breach: a supervisor looks at it. One dated outside it is not counted.
        case.review_flag = f"New crime record {action.reference} raised during the contract: possible breach"
        case.save(update_fields=["review_flag", "updated_at"])
    kind = CaseEvent.Kind.SAFEGUARDING if action.kind == KeyworkerAction.Kind.SAFEGUARDING else CaseEvent.Kind.ACTION
    CaseEvent.objects.create(
        case=case, by=user, kind=kind,
        text=f"{action.get_kind_display()}" + (f": {action.reference}" if action.reference else ""),
    )
    return action

"""The evaluation's forms (checks, harm weights, crime record imports, match decisions, questionnaires), for the form harness."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from evaluation import services
from evaluation.models import (CrimeRecord, CrimeRecordImport, HarmWeightSet, PersonMatch, ReoffendingCheckRun,
                               ReoffendingDefinition, SurveyAnswer, SurveyInstrument, SurveyResponse)
from evaluation.tests.factories import (CrimeRecordFactory, CrimeRecordImportFactory, StoppedImportFactory,
                                        WaitingImportFactory)
from keyworkers.tests.factories import AllocatedCaseFactory
from oocr.accounts.tests.factories import AdministratorFactory
from oocr.tests.concurrency import one_time_token
from oocr.tests.form_harness import FormCase
from oocr.tests.uploads import Upload


def _admin(url_name):
    return lambda: {"user": AdministratorFactory(), "url": reverse(url_name)}


def _as_of():
    return timezone.localdate() - timedelta(days=7)


def _check(context):
    as_of = _as_of()
    definition = ReoffendingDefinition.objects.filter(is_active=True).first()
    return {"definition": str(definition.pk), "as_of_0": str(as_of.day), "as_of_1": str(as_of.month),
            "as_of_2": str(as_of.year)}


def _check_ran(context):
    run = ReoffendingCheckRun.objects.get(requested_by=context["user"])
    assert (run.as_of, run.status) == (_as_of(), ReoffendingCheckRun.Status.FINISHED)


def _finished_run():
    from evaluation.services import reoffending_check_run
    from evaluation.tests.factories import CompletedCaseFactory

    CompletedCaseFactory(closed__on=_as_of())
    definition = ReoffendingDefinition.objects.filter(is_active=True).first()
    run = reoffending_check_run(definition_id=definition.pk, as_of=_as_of())
    return {"user": AdministratorFactory(), "run": run, "url": reverse("evaluation:check_publish", args=[run.pk])}


def _published(context):
    run = ReoffendingCheckRun.objects.get(pk=context["run"].pk)
    assert (run.status, run.published_by) == (ReoffendingCheckRun.Status.PUBLISHED, context["user"])
    assert run.published_at is not None


WEIGHTS_CSV = "offence_code,offence_title,days\nTH-SHOP,Theft from a shop,1.5\nCD-DAMAGE,Criminal damage,2\n"


def _weights(context):
    return {"name": "Crime Harm Index by offence", "version": "2026.1", "source": "Cambridge Centre for Evidence-Based Policing",
            "make_current": "on", "file": Upload("weights.csv", WEIGHTS_CSV.encode(), content_type="text/csv")}


def _weights_imported(context):
    weight_set = HarmWeightSet.objects.get(name="Crime Harm Index by offence", version="2026.1")
    assert (weight_set.is_current, weight_set.created_by, weight_set.source) == (
        True, context["user"], "Cambridge Centre for Evidence-Based Policing")
    assert dict(weight_set.weights.values_list("key", "days")) == {"TH-SHOP": 1.5, "CD-DAMAGE": 2}
    assert list(HarmWeightSet.objects.filter(is_current=True)) == [weight_set]


EXTRACT_CSV = (
    "crime_reference,event_type,offence_code,offence_title,offence_date,outcome_date,pnc_id,surname,forenames,date_of_birth\n"
    "RMS/000123/25,conviction,TH-SHOP,Theft from a shop,2025-03-01,2025-04-01,,Penrose,Jan,1990-01-01\n"
)


def _extract(context):
    return {"file": Upload("extract.csv", EXTRACT_CSV.encode(), content_type="text/csv"), **one_time_token()}


def _extract_kept(context):
    upload = CrimeRecordImport.objects.get(uploaded_by=context["user"])
    # Kept as it came, in parts (never read whole), for the import's runner.
    kept = b"".join(services.crime_record_upload_chunks(upload.pk)).decode()
    assert (upload.file_name, kept, upload.status) == ("extract.csv", EXTRACT_CSV, CrimeRecordImport.Status.WAITING)


def _import_waiting():
    upload = WaitingImportFactory()
    return {"user": AdministratorFactory(), "import": upload, "url": reverse("evaluation:import_cancel", args=[upload.pk])}


def _import_cancelled(context):
    upload = CrimeRecordImport.objects.get(pk=context["import"].pk)
    assert (upload.status, upload.cancelled_by, upload.finished_at is not None) == (
        CrimeRecordImport.Status.CANCELLED, context["user"], True)


def _import_stopped():
    upload = StoppedImportFactory()
    return {"user": AdministratorFactory(), "import": upload, "url": reverse("evaluation:import_retry", args=[upload.pk])}


def _import_sent_again(context):
    upload = CrimeRecordImport.objects.get(pk=context["import"].pk)
    # Waiting for its task (sent when the form's transaction commits), with nothing left of the stopped attempt.
    assert (upload.status, upload.errors, upload.finished_at, upload.content) == (
        CrimeRecordImport.Status.WAITING, [], None, context["import"].content)
    assert upload.heartbeat_at is not None


def _report_job_failed():
    from evaluation.models import ReportJob
    from evaluation.tests.test_views import cohort

    run = cohort()
    job = ReportJob.objects.create(run=run, key="figures:failed", kind=ReportJob.Kind.REPORT, status=ReportJob.Status.FAILED,
                                   error="Something went wrong while preparing it.",
                                   filters={"measure": f"{run.definition_id}-12", "sex": "female"})
    return {"user": AdministratorFactory(), "job": job, "url": reverse("evaluation:report_job_retry", args=[job.pk])}


def _report_job_sent_again(context):
    from evaluation.models import ReportJob

    job = ReportJob.objects.get(pk=context["job"].pk)
    # Waiting for a worker again (its task is sent when the form's transaction commits), the failure forgotten.
    assert (job.status, job.error, job.finished_at) == (ReportJob.Status.WAITING, "", None)


def _doubtful_match():
    person = AllocatedCaseFactory().person
    record = CrimeRecordFactory(person=None, source=CrimeRecordImportFactory())
    match = PersonMatch.objects.create(crime_record=record, person=person, reason="Same date of birth and surname")
    return {"user": AdministratorFactory(), "match": match, "url": reverse("evaluation:match_decide", args=[match.pk])}


def _confirmed(context):
    match = PersonMatch.objects.get(pk=context["match"].pk)
    assert (match.status, match.decided_by) == (PersonMatch.Status.CONFIRMED, context["user"])
    record = CrimeRecord.objects.get(pk=match.crime_record_id)
    assert (record.person_id, record.match_method) == (match.person_id, CrimeRecord.MatchMethod.CONFIRMED)


def _survey_due():
    case = AllocatedCaseFactory()
    instrument = SurveyInstrument.objects.filter(is_current=True).first()
    return {"user": case.allocations.get().keyworker, "case": case, "instrument": instrument,
            "url": reverse("evaluation:survey_record", args=[case.pk, instrument.pk])}


def _answers(context):
    codes = [item["code"] for item in context["instrument"].items]
    # The last item left "Not answered", as a person may.
    return {"timing": "start", **{f"item_{code}": "4" for code in codes[:-1]}, f"item_{codes[-1]}": "",
            "comments": "  Felt listened to for the first time.  ", **one_time_token()}


def _answered(context):
    response = SurveyResponse.objects.get(case=context["case"], instrument=context["instrument"])
    assert (response.timing, response.recorded_by) == ("start", context["user"])
    assert response.comments == "Felt listened to for the first time."
    codes = [item["code"] for item in context["instrument"].items]
    scores = dict(SurveyAnswer.objects.filter(response=response).values_list("item_code", "score"))
    assert scores == {**{code: 4 for code in codes[:-1]}, codes[-1]: None}


def _survey_recorded():
    from evaluation.services import survey_response_record

    context = _survey_due()
    codes = [item["code"] for item in context["instrument"].items]
    context["response"] = survey_response_record(case_id=context["case"].pk, user=context["user"],
                                                  instrument_id=context["instrument"].pk, timing="start",
                                                  scores={code: 3 for code in codes})
    context["url"] = reverse("evaluation:survey_correct", args=[context["case"].pk, context["response"].pk])
    return context


def _corrected_answers(context):
    codes = [item["code"] for item in context["instrument"].items]
    return {**{f"item_{code}": "3" for code in codes[1:]}, f"item_{codes[0]}": "5", "comments": "Said the officer was fair.",
            "record_version": str(context["response"].version)}


def _corrected(context):
    response = SurveyResponse.objects.get(pk=context["response"].pk)
    codes = [item["code"] for item in context["instrument"].items]
    assert response.version == 2
    assert dict(SurveyAnswer.objects.filter(response=response).values_list("item_code", "score"))[codes[0]] == 5
    assert response.comments == "Said the officer was fair."


FORM_CASES = [
    FormCase("/evaluation/checks/run/", "Administrator", _admin("evaluation:check_run"), _check, _check_ran),
    FormCase("/evaluation/checks/<int:pk>/publish/", "Administrator", _finished_run, lambda context: {}, _published,
             button=True),
    FormCase("/evaluation/harm-weights/import/", "Administrator", _admin("evaluation:weight_import"), _weights,
             _weights_imported),
    FormCase("/evaluation/imports/new/", "Administrator", _admin("evaluation:import_new"), _extract, _extract_kept),
    FormCase("/evaluation/imports/<int:pk>/cancel/", "Administrator", _import_waiting, lambda context: {}, _import_cancelled,
             button=True),
    FormCase("/evaluation/imports/<int:pk>/retry/", "Administrator", _import_stopped, lambda context: one_time_token(),
             _import_sent_again, button=True),
    FormCase("/evaluation/report/jobs/<int:pk>/retry/", "Administrator", _report_job_failed, lambda context: {},
             _report_job_sent_again, button=True),
    FormCase("/evaluation/matches/<int:pk>/", "Administrator", _doubtful_match, lambda context: {"decision": "confirm"},
             _confirmed),
    FormCase("/cases/<int:pk>/surveys/<int:instrument>/new/", "Keyworker holding the case", _survey_due, _answers, _answered),
    FormCase("/cases/<int:pk>/surveys/answers/<int:response>/", "Keyworker holding the case", _survey_recorded,
             _corrected_answers, _corrected),
]

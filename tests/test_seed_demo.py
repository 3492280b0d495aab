"""`manage.py seed_demo` (demo/): every role, every state, and the same data however often it runs."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from documents.tests.fixtures import documents_in_a_temporary_folder  # noqa: F401 (the seed's breach pack file)
from oocr.accounts.roles import Role


@pytest.mark.django_db
def test_seed_demo_creates_one_team_with_every_role_and_is_idempotent(monkeypatch, capsys):
    # First without a password: one is generated and printed (one run of the command serves both checks: it takes seconds).
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("seed_demo")
    generated = capsys.readouterr().out.split("Password: ")[1].split()[0]
    assert len(generated) >= 12
    assert get_user_model().objects.get(username="admin").check_password(generated)
    # Again with a password given: the same accounts, refreshed, and no second set of anything.
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    call_command("seed_demo")
    User = get_user_model()
    counts = {role: User.objects.filter(groups__name=role).count() for role in Role.ALL}
    assert counts == {
        Role.TEAM_MANAGER: 1,
        Role.SUPERVISOR: 2,
        Role.KEYWORKER: 12,
        Role.ADMINISTRATOR: 1,
        Role.EVIDENCE_REVIEW_OFFICER: 3,
        Role.TRIAL_MANAGER: 1,
    }
    assert User.objects.count() == 21  # the 20 staff, and a partner's point of contact in the partner portal
    assert User.objects.get(username="partner1").partner_account.is_point_of_contact
    assert User.objects.get(username="keyworker1").check_password("demo-password-for-tests")
    from trials.models import Allocation, Trial

    trial = Trial.objects.get()  # the demo trial, once however often the command runs
    assert trial.status == Trial.Status.RUNNING and Allocation.objects.filter(trial=trial).count() >= 10
    assert "demo-password-for-tests" in capsys.readouterr().out
    from cases.models import Case

    assert set(Case.objects.values_list("status", flat=True)) == set(Case.Status.values)  # every state to look at
    from referrals.models import Referral

    assert {"engaged", "sent", "completed", "declined"} <= set(Referral.objects.values_list("status", flat=True))
    assert any(referral.overdue(timezone.localdate()) for referral in Referral.objects.all())
    assert Referral.objects.filter(status="engaged", condition__status="in_progress").exists()
    from evaluation.models import CrimeRecordImport, PersonMatch, ReoffendingResult

    # The evaluation: one loaded extract, doubtful matches to review, and a check with people at 12 and 24 months.
    assert CrimeRecordImport.objects.get().status == CrimeRecordImport.Status.LOADED
    assert PersonMatch.objects.filter(status=PersonMatch.Status.WAITING).exists()
    reached = ReoffendingResult.objects.filter(reached_follow_up=True)
    assert set(reached.values_list("follow_up_months", flat=True)) == {12, 24}
    assert {True, False} <= set(reached.values_list("reoffended", flat=True))
    assert ReoffendingResult.objects.filter(reached_follow_up=False).exists()  # some not yet at 24 months
    from evaluation.models import ReoffendingCheckRun

    # The seed publishes its check, so the cohort report and the dashboard show figures.
    assert set(ReoffendingResult.objects.values_list("run__status", flat=True)) == {ReoffendingCheckRun.Status.PUBLISHED}
    from evaluation.selectors import survey_report

    # Ending surveys from both kinds of respondent, with comments, whose overall figures are large enough to show.
    surveys = survey_report(user=User.objects.get(username="manager"), with_comments=True)
    for figures in surveys.instruments:
        assert figures.overall.rate.count >= 30 and figures.overall.score.n >= 30, figures.instrument
        assert figures.comments, figures.instrument
    assert next(f for f in surveys.instruments if f.instrument.respondent == "person").change.n >= 10
    from oocr.notifications.models import Reminder

    # Running the reminders job in the demo shows reminders straight away.
    call_command("send_reminders")
    made = set(Reminder.objects.values_list("kind", flat=True))
    assert {"condition_due", "condition_overdue", "appointment_tomorrow", "review_due"} <= made, made

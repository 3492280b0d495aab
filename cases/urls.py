from django.urls import path

from cases.views import corrections, intake, record, search

app_name = "cases"

urlpatterns = [
    path("cases/<int:pk>/", record.CaseDetailView.as_view(), name="case_detail"),
    path("cases/<int:pk>/reason/", record.CaseAccessReasonView.as_view(), name="case_access_reason"),
    path("cases/<int:pk>/history/changes/", record.CaseChangesView.as_view(), name="case_changes"),
    path("cases/<int:pk>/history/", record.CaseHistoryView.as_view(), name="case_history"),
    path("cases/<int:pk>/victim/", record.CaseVictimView.as_view(), name="case_victim"),
    path("cases/<int:pk>/victim/contact/", record.VictimContactView.as_view(), name="victim_contact"),
    path("cases/<int:pk>/first-contact/", record.FirstContactView.as_view(), name="first_contact"),
    path("cases/<int:pk>/first-contact/correct/", record.FirstContactCorrectView.as_view(), name="first_contact_correct"),
    path("cases/<int:pk>/reminders/", record.PersonRemindersView.as_view(), name="person_reminders"),
    path("cases/<int:pk>/correct/person/", corrections.CasePersonCorrectView.as_view(), name="case_person_correct"),
    path("cases/<int:pk>/correct/identity/", corrections.CaseIdentityCorrectView.as_view(), name="case_identity_correct"),
    path("cases/<int:pk>/correct/crime/", corrections.CaseCrimeCorrectView.as_view(), name="case_crime_correct"),
    path("cases/<int:pk>/correct/victims/new/", corrections.CaseVictimAddView.as_view(), name="case_victim_add"),
    path("cases/<int:pk>/correct/victims/<int:victim_pk>/", corrections.CaseVictimCorrectView.as_view(), name="case_victim_correct"),
    path("search/", search.CaseSearchView.as_view(), name="search"),
    path("intake/", intake.IntakeView.as_view(), name="intake"),
    path("intake/new/", intake.IntakeStartView.as_view(), name="intake_start"),
    path("intake/<int:pk>/", intake.CaseSubmissionView.as_view(), name="submission"),
    path("intake/<int:pk>/person/", intake.IntakePersonView.as_view(), name="intake_person"),
    path("intake/<int:pk>/crime/", intake.IntakeCrimeView.as_view(), name="intake_crime"),
    path("intake/<int:pk>/victims/", intake.IntakeVictimsView.as_view(), name="intake_victims"),
    path("intake/<int:pk>/victims/<int:victim_pk>/remove/", intake.IntakeVictimRemoveView.as_view(), name="intake_victim_remove"),
    path("intake/<int:pk>/questions/", intake.IntakeQuestionsView.as_view(), name="intake_questions"),
    path("intake/<int:pk>/check/", intake.IntakeCheckView.as_view(), name="intake_check"),
    path("intake/<int:pk>/done/", intake.IntakeDoneView.as_view(), name="intake_done"),
    path("intake/<int:pk>/delete/", corrections.DraftDeleteView.as_view(), name="draft_delete"),
    path("intake/<int:pk>/withdraw/", corrections.SubmissionWithdrawView.as_view(), name="submission_withdraw"),
    path("intake/<int:pk>/correct/person/", corrections.SubmissionPersonCorrectView.as_view(), name="submission_person_correct"),
    path("intake/<int:pk>/correct/identity/", corrections.SubmissionIdentityCorrectView.as_view(), name="submission_identity_correct"),
    path("intake/<int:pk>/correct/crime/", corrections.SubmissionCrimeCorrectView.as_view(), name="submission_crime_correct"),
    path("intake/<int:pk>/correct/victims/new/", corrections.SubmissionVictimAddView.as_view(), name="submission_victim_add"),
    path("intake/<int:pk>/correct/victims/<int:victim_pk>/", corrections.SubmissionVictimCorrectView.as_view(),
         name="submission_victim_correct"),
    path("allocation/<int:pk>/send-back/", corrections.SubmissionSendBackView.as_view(), name="send_back"),
    path("administration/offences/import/", intake.OffenceImportView.as_view(), name="offence_import"),
]

from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("cases/<int:pk>/reason/", views.CaseAccessReasonView.as_view(), name="case_access_reason"),
    path("cases/<int:pk>/history/changes/", views.CaseChangesView.as_view(), name="case_changes"),
    path("cases/<int:pk>/history/", views.CaseHistoryView.as_view(), name="case_history"),
    path("cases/<int:pk>/victim/", views.CaseVictimView.as_view(), name="case_victim"),
    path("cases/<int:pk>/victim/contact/", views.VictimContactView.as_view(), name="victim_contact"),
    path("cases/<int:pk>/first-contact/", views.FirstContactView.as_view(), name="first_contact"),
    path("cases/<int:pk>/first-contact/correct/", views.FirstContactCorrectView.as_view(), name="first_contact_correct"),
    path("cases/<int:pk>/reminders/", views.PersonRemindersView.as_view(), name="person_reminders"),
    path("cases/<int:pk>/correct/person/", views.CasePersonCorrectView.as_view(), name="case_person_correct"),
    path("cases/<int:pk>/correct/identity/", views.CaseIdentityCorrectView.as_view(), name="case_identity_correct"),
    path("cases/<int:pk>/correct/crime/", views.CaseCrimeCorrectView.as_view(), name="case_crime_correct"),
    path("cases/<int:pk>/correct/victims/new/", views.CaseVictimAddView.as_view(), name="case_victim_add"),
    path("cases/<int:pk>/correct/victims/<int:victim_pk>/", views.CaseVictimCorrectView.as_view(), name="case_victim_correct"),
    path("search/", views.CaseSearchView.as_view(), name="search"),
    path("intake/", views.IntakeView.as_view(), name="intake"),
    path("intake/new/", views.IntakeStartView.as_view(), name="intake_start"),
    path("intake/<int:pk>/", views.CaseSubmissionView.as_view(), name="submission"),
    path("intake/<int:pk>/person/", views.IntakePersonView.as_view(), name="intake_person"),
    path("intake/<int:pk>/crime/", views.IntakeCrimeView.as_view(), name="intake_crime"),
    path("intake/<int:pk>/victims/", views.IntakeVictimsView.as_view(), name="intake_victims"),
    path("intake/<int:pk>/victims/<int:victim_pk>/remove/", views.IntakeVictimRemoveView.as_view(), name="intake_victim_remove"),
    path("intake/<int:pk>/questions/", views.IntakeQuestionsView.as_view(), name="intake_questions"),
    path("intake/<int:pk>/check/", views.IntakeCheckView.as_view(), name="intake_check"),
    path("intake/<int:pk>/done/", views.IntakeDoneView.as_view(), name="intake_done"),
    path("intake/<int:pk>/delete/", views.DraftDeleteView.as_view(), name="draft_delete"),
    path("intake/<int:pk>/withdraw/", views.SubmissionWithdrawView.as_view(), name="submission_withdraw"),
    path("intake/<int:pk>/correct/person/", views.SubmissionPersonCorrectView.as_view(), name="submission_person_correct"),
    path("intake/<int:pk>/correct/identity/", views.SubmissionIdentityCorrectView.as_view(), name="submission_identity_correct"),
    path("intake/<int:pk>/correct/crime/", views.SubmissionCrimeCorrectView.as_view(), name="submission_crime_correct"),
    path("intake/<int:pk>/correct/victims/new/", views.SubmissionVictimAddView.as_view(), name="submission_victim_add"),
    path("intake/<int:pk>/correct/victims/<int:victim_pk>/", views.SubmissionVictimCorrectView.as_view(),
         name="submission_victim_correct"),
    path("allocation/<int:pk>/send-back/", views.SubmissionSendBackView.as_view(), name="send_back"),
    path("administration/offences/import/", views.OffenceImportView.as_view(), name="offence_import"),
]

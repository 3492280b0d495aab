from django.urls import path

from contracts import views

app_name = "contracts"

urlpatterns = [
    path("cases/<int:pk>/assessment/", views.CaseAssessmentView.as_view(), name="assessment"),
    path("cases/<int:pk>/assessment/<str:kind>/", views.NeedsAssessmentFormView.as_view(), name="assessment_form"),
    path("cases/<int:pk>/actions/new/", views.KeyworkerActionView.as_view(), name="action_new"),
    path("cases/<int:pk>/contract/", views.CaseContractView.as_view(), name="contract"),
    path("cases/<int:pk>/contract/start/", views.ContractStartView.as_view(), name="contract_start"),
    path("cases/<int:pk>/contract/conditions/new/", views.ConditionAddView.as_view(), name="condition_new"),
    path("cases/<int:pk>/contract/conditions/<int:condition_pk>/", views.ConditionProgressView.as_view(), name="condition_progress"),
    path("cases/<int:pk>/contract/conditions/<int:condition_pk>/edit/", views.ConditionEditView.as_view(), name="condition_edit"),
    path("cases/<int:pk>/contract/conditions/<int:condition_pk>/remove/", views.ConditionRemoveView.as_view(), name="condition_remove"),
    path("cases/<int:pk>/contract/sign/", views.ContractSignView.as_view(), name="contract_sign"),
    path("cases/<int:pk>/contract/decide/", views.ContractDecideView.as_view(), name="contract_decide"),
    path("cases/<int:pk>/contract/approve/", views.ContractApproveView.as_view(), name="contract_approve"),
    path("cases/<int:pk>/contract/document/", views.ContractDocumentView.as_view(), name="contract_document"),
    path("cases/<int:pk>/contract/document.<str:format>", views.ContractDocumentView.as_view(), name="contract_pdf"),
    path("cases/<int:pk>/contacts/", views.CaseContactsView.as_view(), name="contacts"),
    path("cases/<int:pk>/contacts/new/", views.ContactNewView.as_view(), name="contact_new"),
    path("cases/<int:pk>/contacts/<int:contact_pk>/outcome/", views.ContactOutcomeView.as_view(), name="contact_outcome"),
    path("cases/<int:pk>/contacts/<int:contact_pk>/move/", views.ContactRescheduleView.as_view(), name="contact_reschedule"),
    path("cases/<int:pk>/contacts/<int:contact_pk>/cancel/", views.ContactCancelView.as_view(), name="contact_cancel"),
    path("caseload/appointments-without-outcome/", views.AppointmentsWithoutOutcomeView.as_view(),
         name="appointments_without_outcome"),
    path("cases/<int:pk>/non-compliance/new/", views.NonComplianceNewView.as_view(), name="non_compliance_new"),
    path("cases/<int:pk>/close/", views.ClosureProposeView.as_view(), name="closure"),
    path("allocation/decisions/", views.DecisionsView.as_view(), name="decisions"),
    path("allocation/decisions/closures/<int:pk>/", views.ClosureDecideView.as_view(), name="closure_decide"),
    path("cases/<int:pk>/contract/variation/", views.VariationProposeView.as_view(), name="variation_new"),
    path("allocation/decisions/variations/<int:pk>/", views.VariationDecideView.as_view(), name="variation_decide"),
    path("caseload/week/", views.WeekView.as_view(), name="week"),
    path("administration/reminders/", views.RemindersView.as_view(), name="reminders"),
    path("calendar/<str:token>.ics", views.CalendarFeedView.as_view(), name="calendar_feed"),
]

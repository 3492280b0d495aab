from django.urls import path

from contracts.views import assessment, closure, contacts, contract, reminders, variation

app_name = "contracts"

urlpatterns = [
    path("cases/<int:pk>/assessment/", assessment.CaseAssessmentView.as_view(), name="assessment"),
    path("cases/<int:pk>/assessment/<str:kind>/", assessment.NeedsAssessmentFormView.as_view(), name="assessment_form"),
    path("cases/<int:pk>/actions/new/", assessment.KeyworkerActionView.as_view(), name="action_new"),
    path("cases/<int:pk>/contract/", contract.CaseContractView.as_view(), name="contract"),
    path("cases/<int:pk>/contract/start/", contract.ContractStartView.as_view(), name="contract_start"),
    path("cases/<int:pk>/contract/conditions/new/", contract.ConditionAddView.as_view(), name="condition_new"),
    path("cases/<int:pk>/contract/conditions/<int:condition_pk>/", contract.ConditionProgressView.as_view(), name="condition_progress"),
    path("cases/<int:pk>/contract/conditions/<int:condition_pk>/edit/", contract.ConditionEditView.as_view(), name="condition_edit"),
    path("cases/<int:pk>/contract/conditions/<int:condition_pk>/remove/", contract.ConditionRemoveView.as_view(), name="condition_remove"),
    path("cases/<int:pk>/contract/sign/", contract.ContractSignView.as_view(), name="contract_sign"),
    path("cases/<int:pk>/contract/decide/", contract.ContractDecideView.as_view(), name="contract_decide"),
    path("cases/<int:pk>/contract/approve/", contract.ContractApproveView.as_view(), name="contract_approve"),
    path("cases/<int:pk>/contract/document/", contract.ContractDocumentView.as_view(), name="contract_document"),
    path("cases/<int:pk>/contract/document.<str:format>", contract.ContractDocumentView.as_view(), name="contract_pdf"),
    path("cases/<int:pk>/contacts/", contacts.CaseContactsView.as_view(), name="contacts"),
    path("cases/<int:pk>/contacts/new/", contacts.ContactNewView.as_view(), name="contact_new"),
    path("cases/<int:pk>/contacts/<int:contact_pk>/outcome/", contacts.ContactOutcomeView.as_view(), name="contact_outcome"),
    path("cases/<int:pk>/contacts/<int:contact_pk>/move/", contacts.ContactRescheduleView.as_view(), name="contact_reschedule"),
    path("cases/<int:pk>/contacts/<int:contact_pk>/cancel/", contacts.ContactCancelView.as_view(), name="contact_cancel"),
    path("caseload/appointments-without-outcome/", contacts.AppointmentsWithoutOutcomeView.as_view(),
         name="appointments_without_outcome"),
    path("cases/<int:pk>/non-compliance/new/", contacts.NonComplianceNewView.as_view(), name="non_compliance_new"),
    path("cases/<int:pk>/close/", closure.ClosureProposeView.as_view(), name="closure"),
    path("allocation/decisions/", closure.DecisionsView.as_view(), name="decisions"),
    path("allocation/decisions/closures/<int:pk>/", closure.ClosureDecideView.as_view(), name="closure_decide"),
    path("cases/<int:pk>/contract/variation/", variation.VariationProposeView.as_view(), name="variation_new"),
    path("allocation/decisions/variations/<int:pk>/", variation.VariationDecideView.as_view(), name="variation_decide"),
    path("caseload/week/", contacts.WeekView.as_view(), name="week"),
    path("administration/reminders/", reminders.RemindersView.as_view(), name="reminders"),
    path("calendar/<str:token>.ics", contacts.CalendarFeedView.as_view(), name="calendar_feed"),
]

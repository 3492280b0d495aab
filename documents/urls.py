from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("cases/<int:pk>/documents/", views.CaseDocumentsView.as_view(), name="case_documents"),
    path("cases/<int:pk>/documents/new/", views.DocumentUploadView.as_view(), name="document_new"),
    path("cases/<int:pk>/documents/<int:document_pk>/download/", views.DocumentDownloadView.as_view(), name="document_download"),
    path("cases/<int:pk>/documents/warning-letter/", views.WarningLetterView.as_view(), name="warning_letter"),
    path("cases/<int:pk>/documents/breach-pack/", views.BreachPackView.as_view(), name="breach_pack"),
]

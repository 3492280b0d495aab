from django.urls import include, path, re_path

from api import pages, views

app_name = "api"

urlpatterns = [
    path("api/v1/token/", views.token, name="token"),
    path("api/v1/schema/", pages.SchemaView.as_view(), name="schema"),
    path("api/v1/reference/", pages.ReferenceView.as_view(), name="reference"),
    path("administration/api-clients/", pages.ApiClientListView.as_view(), name="client_list"),
    path("administration/api-clients/new/", pages.ApiClientAddView.as_view(), name="client_add"),
    path("administration/api-clients/<int:pk>/", pages.ApiClientDetailView.as_view(), name="client_detail"),
    path("administration/api-clients/<int:pk>/revoke/", pages.ApiClientRevokeView.as_view(), name="client_revoke"),
    path("", include("api.urls_api")),
    re_path(r"^api/", views.not_found, name="not_found"),  # any other address under api/
]

"""Pages for administrators: API clients (add, read, revoke), their calls and webhook deliveries; the schema and
its reference page. Signed-in pages like any other: no API token opens them."""

import json

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import DetailView, FormView, ListView, TemplateView
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

from api import forms, services
from api.models import ApiClient, WebhookAttempt, WebhookDelivery
from oocr.views import CreateOnceMixin, RoleRequiredMixin, ServiceFormMixin, VersionedEditMixin

ADMINISTER = "accounts.administer_service"
SECRET_SESSION_KEY = "api_client_secret_once"


def api_schema() -> dict:
    """The OpenAPI 3 document of /api/v1/, made from the code."""
    schema = SchemaGenerator(patterns=None, urlconf="api.urls_api").get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema, renderer_context={}))


class SchemaView(RoleRequiredMixin, TemplateView):
    permission_required = ADMINISTER

    def get(self, request, *args, **kwargs):
        response = HttpResponse(json.dumps(api_schema(), indent=2), content_type="application/vnd.oai.openapi+json")
        response["Content-Disposition"] = 'inline; filename="oocr-api-v1.json"'
        return response


class ReferenceView(RoleRequiredMixin, TemplateView):
    """The schema as a page: each operation with its scope, parameters, body fields and answers."""

    permission_required = ADMINISTER
    template_name = "api/reference.html"

    def get_context_data(self, **kwargs):
        schema = api_schema()
        components = schema.get("components", {}).get("schemas", {})

        def fields_of(reference: str, prefix: str = "", depth: int = 0) -> list[dict]:
            found = []
            component = components.get(reference.rsplit("/", 1)[-1], {})
            required = set(component.get("required", []))
            for name, spec in component.get("properties", {}).items():
                inner = spec.get("$ref") or (spec.get("items") or {}).get("$ref") or next(
                    (part["$ref"] for part in spec.get("allOf", []) if "$ref" in part), None)
                kind = spec.get("type", "object")
                if kind == "array":
                    kind = "list"
                found.append({"name": prefix + name, "type": kind, "required": name in required,
                              "description": spec.get("description", ""),
                              "choices": ", ".join(map(str, spec.get("enum", []))) if "enum" in spec else ""})
                if inner and depth < 3:
                    found += fields_of(inner, f"{prefix}{name}{'[]' if spec.get('type') == 'array' else ''}.", depth + 1)
            return found

        operations = []
        for path, methods in schema.get("paths", {}).items():
            for method, spec in methods.items():
                body = spec.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
                operations.append({
                    "method": method.upper(), "path": path, "summary": spec.get("summary", ""),
                    "description": spec.get("description", ""),
                    "scopes": ", ".join(scope for requirement in spec.get("security", []) for scopes in requirement.values()
                                        for scope in scopes),
                    "parameters": spec.get("parameters", []),
                    "body": fields_of(body["$ref"]) if "$ref" in body else [],
                    "responses": [(code, answer.get("description", "")) for code, answer in spec.get("responses", {}).items()],
                })
        return super().get_context_data(**kwargs, schema=schema, operations=operations,
                                         scopes=schema["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]["scopes"])


class ApiClientListView(RoleRequiredMixin, ListView):
    permission_required = ADMINISTER
    template_name = "api/client_list.html"
    context_object_name = "clients"

    def get_queryset(self):
        return ApiClient.objects.select_related("application").order_by("name")


class ApiClientAddView(RoleRequiredMixin, CreateOnceMixin, ServiceFormMixin, FormView):
    permission_required = ADMINISTER
    form_class = forms.ApiClientForm
    template_name = "api/client_add.html"

    def perform(self, form) -> None:
        data = form.cleaned_data
        self.client, secret = services.api_client_create(
            by=self.request.user, name=data["name"], scopes=data["scopes"], allowed_addresses=data["allowed_addresses"],
            webhook_url=data["webhook_url"], rate_limit_per_minute=data["rate_limit_per_minute"])
        self.request.session[SECRET_SESSION_KEY] = {"client": self.client.pk, "secret": secret}
        messages.success(self.request, f"Client {self.client.name} added. Copy its secrets now: they are shown once.")

    def get_success_url(self) -> str:
        return reverse("api:client_detail", args=[self.client.pk])

    def get_refused_url(self) -> str:
        return reverse("api:client_list")


class ApiClientDetailView(RoleRequiredMixin, DetailView):
    """A client: what it may do, its last calls, its webhook deliveries and every try of each."""

    permission_required = ADMINISTER
    template_name = "api/client_detail.html"
    context_object_name = "api_client"

    def get_queryset(self):
        return ApiClient.objects.select_related("application", "created_by")

    def get_context_data(self, **kwargs):
        client = self.object
        once = self.request.session.pop(SECRET_SESSION_KEY, None)
        secret = once["secret"] if once and once.get("client") == client.pk else None
        deliveries = (WebhookDelivery.objects.filter(client=client).select_related("event__case")
                      .prefetch_related(Prefetch("tries", queryset=WebhookAttempt.objects.order_by("at", "id")))
                      .order_by("-created_at")[:50])
        return super().get_context_data(
            **kwargs, secret=secret, calls=client.calls.order_by("-at", "-id")[:50], deliveries=deliveries,
        )


class ApiClientRevokeView(RoleRequiredMixin, VersionedEditMixin, ServiceFormMixin, FormView):
    permission_required = ADMINISTER
    form_class = forms.ApiClientRevokeForm
    template_name = "api/client_revoke.html"

    def get_client(self) -> ApiClient:
        if not hasattr(self, "_client"):
            self._client = get_object_or_404(ApiClient, pk=self.kwargs["pk"])
        return self._client

    def versioned_record(self):
        return self.get_client()

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, api_client=self.get_client())

    def perform(self, form) -> None:
        services.api_client_revoke(client_id=self.get_client().pk, by=self.request.user, read_version=form.read_version)
        messages.success(self.request, f"Client {self.get_client().name} revoked: its tokens no longer work.")

    def get_success_url(self) -> str:
        return reverse("api:client_detail", args=[self.get_client().pk])

    def get_refused_url(self) -> str:
        return reverse("api:client_detail", args=[self.get_client().pk])

"""/api/v1/: crimes in, outcomes and cases out (DRF, OAuth2 client credentials); the token endpoint; the schema."""

import re

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from oauth2_provider.views import TokenView
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import APIView

from api import serializers
from api.models import ApiClient, ApiEvent, ApiReferral
from api.problems import MEDIA_TYPE, Problem, invalid, problem_response
from api.services import api_call_record, outcome_item, referral_eligibility, referral_put
from cases.models import Case, Crime
from oocr.audit.models import AccessLog
from oocr.audit.services import access_log_record
from oocr.client_address import client_address
from contracts.models import Condition


def _problems(*codes: int) -> dict:
    return {(code, MEDIA_TYPE): OpenApiResponse(serializers.ProblemOut, description=description)
            for code, description in [(400, "Malformed JSON"), (401, "No valid token"), (403, "Wrong scope or address"),
                                      (404, "Not found"), (409, "Conflict: see differences"),
                                      (413, "Body too large"), (415, "Not JSON"), (422, "Invalid: see errors"),
                                      (429, "Rate limit: see Retry-After")] if code in codes}


REFERENCE_PARAMETER = OpenApiParameter("crime_reference", OpenApiTypes.STR, OpenApiParameter.PATH,
                                       description=serializers.REFERENCE_HELP,
                                       examples=[OpenApiExample("A crime reference", value="CR/01234/26")])
# A whole body, as the README's client sends it (the schema's example: schemathesis sends it too).
REFERRAL_EXAMPLE = {
    "suspect_reference": "P-778812",
    "person": {"first_names": "Jory", "last_name": "Penhaligon", "date_of_birth": "1996-04-02", "sex": "male",
               "address_line_1": "3 Quay Street", "town": "Truro", "postcode": "TR1 2AB", "phone": "07700 900456"},
    "crime": {"offence_date": "2026-11-28", "offence_postcode": "TR1 3XX", "offences": [{"scheme": "cjs", "code": "TH68010"}]},
    "officer": {"name": "PC Tamsin Rowe", "collar_number": "2231", "email": "tamsin.rowe@police.example.org"},
    "victims": [{"name": "Truro Stores Ltd", "view": "supports"}],
    "admission": "admitted",
}


class ApiView(APIView):
    """The base of every operation: body size limit, one call record per authenticated call."""

    required_scope: str = ""

    def initial(self, request, *args, **kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.API_MAX_BODY_BYTES:
            raise Problem(status_code=413, kind="too-large", title="Request body too large",
                          detail=f"The body is {length} bytes: at most {settings.API_MAX_BODY_BYTES} are accepted.")
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        client = getattr(request._request, "api_client", None)
        if client is not None:
            api_call_record(client=client, method=request.method, path=request.path, status=response.status_code,
                            ip_address=client_address(request._request))
        response["Cache-Control"] = "no-store"
        return response

    @property
    def client(self) -> ApiClient:
        return self.request._request.api_client

    def reference_check(self, crime_reference: str) -> str:
        reference = crime_reference.strip().upper()
        if not re.fullmatch(settings.CRIME_REFERENCE_PATTERN, reference):
            raise invalid([{"field": "crime_reference", "detail": f"Enter a crime reference of {settings.CRIME_REFERENCE_HELP}"}])
        return reference


class ReferralView(ApiView):
    required_scope = "referral:write"

    @extend_schema(
        operation_id="referral_put", parameters=[REFERENCE_PARAMETER], request=serializers.ReferralIn,
        examples=[OpenApiExample("A shop theft", value=REFERRAL_EXAMPLE, request_only=True)],
        responses={200: serializers.ReferralOut, 201: serializers.ReferralOut, **_problems(400, 401, 403, 409, 413, 415, 422, 429)},
        summary="Send a crime in: create or update its draft submission",
        description="Idempotent on the crime reference and the suspect's reference: the same body again changes nothing "
                    "(200, changed false). A different body updates the draft while it is a draft; once an evidence "
                    "review officer has submitted or closed it, a different body is a 409 listing the differences. "
                    "Offences are given by CJS offence code or Home Office classification; an unknown code is a 422 "
                    "naming it. The eligibility check runs and its result comes back; an evidence review officer "
                    "still decides and submits in the case manager.",
    )
    def put(self, request, crime_reference: str):
        reference = self.reference_check(crime_reference)
        body = serializers.ReferralIn(data=request.data)
        body.is_valid(raise_exception=True)
        referral, changed, created = referral_put(client=self.client, crime_reference=reference, data=body.validated_data)
        case = Case.objects.select_related("person").get(pk=referral.case_id)
        access_log_record(request=request, record=case, person_id=case.person_id)
        data = {"crime_reference": referral.crime_reference, "suspect_reference": referral.suspect_reference,
                "case_number": case.number, "status": case.status, "changed": changed,
                "eligibility": referral_eligibility(case)}
        return Response(serializers.ReferralOut(data).data, status=201 if created else 200)


class CaseView(ApiView):
    required_scope = "case:read"

    @extend_schema(operation_id="case_get", parameters=[REFERENCE_PARAMETER],
                   responses={200: serializers.CaseOut, **_problems(401, 403, 404, 422, 429)},
                   summary="A case's status, by its crime reference",
                   description="Its status and route, and when it was submitted and closed. A draft is found only when "
                               "it was sent in through the API.")
    def get(self, request, crime_reference: str):
        reference = self.reference_check(crime_reference)
        crime = Crime.objects.select_related("case").filter(reference=reference).exclude(case__status=Case.Status.DRAFT).first()
        if crime is None:
            referral = ApiReferral.objects.select_related("case").filter(crime_reference=reference).first()
            crime = referral and referral.case.crimes.first()
        if crime is None:
            raise exceptions.NotFound(f"No case has crime reference {reference}.")
        case = crime.case
        access_log_record(request=request, record=case, person_id=case.person_id, kind=AccessLog.Kind.DISCLOSURE,
                          recipient=self.client.name)
        return Response(serializers.CaseOut({
            "crime_reference": crime.reference, "case_number": case.number, "status": case.status, "route": case.route,
            "submitted_at": case.submitted_at, "closed_at": case.closed_at,
        }).data)


class OutcomesView(ApiView):
    required_scope = "outcome:read"

    @extend_schema(
        operation_id="outcomes_list",
        parameters=[OpenApiParameter("since", OpenApiTypes.STR, OpenApiParameter.QUERY, required=False, pattern="^[0-9]{1,18}$",
                                     description="The next_cursor of the last page read; leave out to start at the first")],
        responses={200: serializers.OutcomePage, **_problems(401, 403, 422, 429)},
        summary="Closed cases after a cursor, in the order they closed, each once",
        description="Up to 50 outcomes after `since`, each with its crime reference, outcome code, outcome date, route "
                    "and conditions. Keep `next_cursor` and pass it next time: every closure comes once, in order, "
                    "including those made while you read.",
    )
    def get(self, request):
        since = request.query_params.get("since", "0") or "0"
        if not re.fullmatch(r"[0-9]{1,18}", since):
            raise invalid([{"field": "since", "detail": "Give the next_cursor of the last page, or leave since out"}])
        events = list(
            ApiEvent.objects.filter(pk__gt=int(since), kind__in=ApiEvent.CLOSURES).select_related("case", "case__contract")
            .prefetch_related(Prefetch("case__crimes", queryset=Crime.objects.only("id", "case_id", "reference")),
                              Prefetch("case__contract__conditions", queryset=Condition.objects.order_by("id")))
            .order_by("id")[: settings.API_OUTCOMES_PAGE]
        )
        for event in events:
            access_log_record(request=request, record=event.case, person_id=event.case.person_id,
                              kind=AccessLog.Kind.DISCLOSURE, recipient=self.client.name)
        items = [outcome_item(event) for event in events]
        next_cursor = str(events[-1].pk) if events else str(int(since))
        return Response(serializers.OutcomePage({"outcomes": items, "next_cursor": next_cursor}).data)


# --- The token endpoint ---------------------------------------------------------------------------------------


def _client_id(request) -> str:
    import base64
    from urllib.parse import unquote_plus

    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.lower().startswith("basic "):
        try:
            return unquote_plus(base64.b64decode(header[6:]).decode().split(":", 1)[0])
        except (ValueError, UnicodeDecodeError):
            return ""
    return request.POST.get("client_id", "")


_token_view = TokenView.as_view()


@csrf_exempt
@login_not_required
def token(request):
    """OAuth2 client credentials (django-oauth-toolkit): a short-lived token for an active client, asked for from an
    address the client may call from. Only POST with form fields, as RFC 6749 says."""
    if request.method != "POST":
        return problem_response(405, "Ask for a token with POST.", path=request.path)
    if len(request.body) > settings.API_MAX_BODY_BYTES:
        return problem_response(413, "The body is too large.", path=request.path)
    client = ApiClient.objects.filter(application__client_id=_client_id(request)).first()
    if client is not None and client.is_active and not client.address_allowed(client_address(request)):
        return problem_response(403, "This client may not call from this address.", path=request.path)
    if client is not None and not client.is_active:
        return problem_response(401, "This client has been revoked.", path=request.path)
    return _token_view(request)


def api_view(view_class):
    return login_not_required(view_class.as_view())


@csrf_exempt
@login_not_required
def not_found(request):
    """Any other address under /api/ (one the operations' patterns do not take, a newline in a reference): a problem
    document, not the pages' HTML."""
    return problem_response(404, "No operation has this address: see the schema.", path=request.path)

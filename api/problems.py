"""Errors as RFC 9457 problem details (`application/problem+json`), with a field-level list for invalid input."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response

PROBLEM_TYPE = "https://oocr.invalid/problems/"  # a name, not an address to fetch: each kind's slug follows
MEDIA_TYPE = "application/problem+json"


class Problem(exceptions.APIException):
    """A refusal with its own kind, title and, for validation, the fields at fault."""

    def __init__(self, *, status_code: int, kind: str, title: str, detail: str, errors: list | None = None, **extra):
        self.status_code, self.kind, self.title, self.errors, self.extra = status_code, kind, title, errors, extra
        super().__init__(detail=detail)


def invalid(errors: list[dict], detail: str = "The request has invalid fields: see errors.") -> Problem:
    return Problem(status_code=422, kind="validation", title="Invalid request", detail=detail, errors=errors)


def _flatten(detail, prefix: str = "") -> list[dict]:
    """DRF's nested error detail as [{"field": "person.date_of_birth", "detail": "..."}]."""
    if isinstance(detail, dict):
        found = []
        for key, value in detail.items():
            name = "" if key in ("non_field_errors", "__all__") else str(key)
            found += _flatten(value, f"{prefix}.{name}" if prefix and name else prefix or name)
        return found
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return [{"field": prefix or None, "detail": str(item)} for item in detail]
        found = []
        for index, item in enumerate(detail):
            found += _flatten(item, f"{prefix}[{index}]")
        return found
    return [{"field": prefix or None, "detail": str(detail)}]


def django_errors(error: DjangoValidationError, prefix: str = "") -> list[dict]:
    if hasattr(error, "error_dict"):
        return [{"field": f"{prefix}{field}" if field != "__all__" else (prefix.rstrip(".") or None), "detail": message}
                for field, errors in error.message_dict.items() for message in errors]
    return [{"field": prefix.rstrip(".") or None, "detail": message} for message in error.messages]


TITLES = {
    400: ("bad-request", "Bad request"),
    401: ("unauthenticated", "No valid token"),
    403: ("forbidden", "Not allowed"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    409: ("conflict", "Conflict"),
    413: ("too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("validation", "Invalid request"),
    429: ("rate-limited", "Too many requests"),
}


def problem_exception_handler(exc, context):
    request = context.get("request")
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, DjangoValidationError):
        exc = invalid(django_errors(exc))
    if not isinstance(exc, exceptions.APIException):
        return None  # a real fault: Django's 500, logged
    code = exc.status_code
    if isinstance(exc, exceptions.ParseError):
        code = 400
    if isinstance(exc, exceptions.ValidationError):  # DRF's serializer errors: 422, each field listed
        exc = invalid(_flatten(exc.detail))
        code = 422
    kind, title = TITLES.get(code, ("error", "Error"))
    body = {"type": PROBLEM_TYPE + getattr(exc, "kind", kind), "title": getattr(exc, "title", title),
            "status": code, "detail": str(exc.detail) if not isinstance(exc.detail, (dict, list)) else title,
            "instance": request.path if request is not None else ""}
    if getattr(exc, "errors", None) is not None:
        body["errors"] = exc.errors
    body.update(getattr(exc, "extra", {}) or {})
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait) + 1)
    return Response(body, status=code, headers=headers, content_type=MEDIA_TYPE)


def problem_response(code: int, detail: str, *, path: str = ""):
    """A problem document outside DRF (the token endpoint's refusals)."""
    from django.http import JsonResponse

    kind, title = TITLES.get(code, ("error", "Error"))
    return JsonResponse({"type": PROBLEM_TYPE + kind, "title": title, "status": code, "detail": detail, "instance": path},
                        status=code, content_type=MEDIA_TYPE)


HTTP_413 = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE

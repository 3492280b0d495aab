from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django_otp import user_has_device


class ContentSecurityPolicyMiddleware:
    """Send the Content-Security-Policy header on every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class TwoFactorRequiredMiddleware:
    """With OOCR_REQUIRE_2FA on, a signed-in person must also enter a code before any other page.

    Someone without an authenticator app is sent to set one up; someone with one
    to enter a code. Signing out and the two-factor pages themselves stay open.
    """

    OPEN_URL_NAMES = {"logout", "two_factor_enrol", "two_factor_verify", "two_factor_backup_codes"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.OOCR_REQUIRE_2FA or not request.user.is_authenticated or request.user.is_verified():
            return None
        match = request.resolver_match
        if match is None or match.url_name in self.OPEN_URL_NAMES or request.path.startswith(settings.STATIC_URL):
            return None
        step = "two_factor_verify" if user_has_device(request.user) else "two_factor_enrol"
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")


class PrivatePagesMiddleware:
    """Pages shown to a signed-in person hold police data: never kept by a browser or proxy (shared station computers)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response

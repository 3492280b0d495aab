"""What every request passes through on the staff side: the Content-Security-Policy header, the two-factor step when
required, signed-in pages never cached, and a form posted after the session ended kept for after sign-in
(oocr/accounts/kept_input.py)."""

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import middleware as auth_middleware
from django.db.models import IntegerField
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django_otp import user_has_device
from django_otp.middleware import OTPMiddleware as DjangoOTPMiddleware
from django_otp.models import Device

from oocr.accounts import kept_input
from oocr.forms import kept_input_offered
from oocr.prepared import PreparedQuery, Slot


class ContentSecurityPolicyMiddleware:
    """Send the Content-Security-Policy header on every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


# Every signed-in request loads the session's verified device: built and compiled once a process for each kind of
# device (oocr/prepared.py).
_DEVICE = PreparedQuery(lambda *, label: apps.get_model(label).objects.filter(id=Slot("id", IntegerField())).order_by("pk")[:1])


class OTPMiddleware(DjangoOTPMiddleware):
    """django_otp's, loading the device through a prepared query (`Device.from_persistent_id` builds its query on every
    request). An id it cannot read, or of a model that is not a device, is no device, as there."""

    def _device_from_persistent_id(self, persistent_id: str):
        label, _, device_id = self._normalize_persistent_id(persistent_id).rpartition("/")
        try:
            model, device_id = apps.get_model(label), int(device_id)
        except (ValueError, LookupError):
            return None
        if not issubclass(model, Device):
            return None
        return next(iter(_DEVICE.rows({"id": device_id}, label=model._meta.label_lower)), None)


class TwoFactorRequiredMiddleware:
    """With OOCR_REQUIRE_2FA on, a signed-in person must also enter a code before any other page.

    Someone without an authenticator app is sent to set one up; someone with one
    to enter a code. Signing out and the two-factor pages themselves stay open.
    """

    OPEN_URL_NAMES = {"logout", "two_factor_enrol", "two_factor_verify", "two_factor_backup_codes",
                      "session_keep_alive", "session_timed_out"}

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


class LoginRequiredMiddleware(auth_middleware.LoginRequiredMiddleware):
    """Django's: every page needs a signed-in person. A form posted after the session ended is kept first.

    Its input is kept for the person it was shown to (oocr/accounts/kept_input.py), who is sent to sign
    in and then back to the page, where the form is filled again from it.
    """

    def handle_no_permission(self, request, view_func):
        if request.method == "POST" and kept_input.form_input_keep(request, path=request.path):
            messages.info(request, "Your session had ended, so your form was not saved. Sign in again to go back to it with what you typed.")
        return super().handle_no_permission(request, view_func)


class KeptFormInputMiddleware:
    """Fill a page's form from input kept when the session ended, once; note who each page's forms are shown to."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        found = kept_input.kept_input_for(request)
        request.kept_form_input = found[1] if found else None
        if found is None:
            response = self.get_response(request)
        else:
            with kept_input_offered(found[1]):
                response = self.get_response(request)
            if found[1].used:
                kept_input.kept_input_used(request, found[0])
        kept_input.form_owner_note(request, response)
        return response

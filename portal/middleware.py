"""The wall between the staff pages and the partner portal, checked on every request.

A partner's session (marked at sign-in, portal.signals) reaches /partner/ and the sign-in, code and password
pages only: anything else is refused (the start page sends them to their own). Their account is read again
on every request, so a removed partner user, or a closed account, is signed out at the next request.
Staff never use /partner/ pages as partners: those views need a partner account (portal.views).
"""

from django.contrib.auth import logout
from django.http import HttpResponseForbidden
from django.shortcuts import redirect, render

from portal.signals import SESSION_KEY

PARTNER_PREFIX = "/partner/"
# Pages a partner shares with staff: signing in and out, the one-time code, their password, the idle timeout.
SHARED_PREFIXES = ("/account/", "/static/")


class PartnerBoundaryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.partner_user = None
        session = getattr(request, "session", None)
        account_id = session.get(SESSION_KEY) if session is not None else None
        if account_id is None or not request.user.is_authenticated:
            return self.get_response(request)
        from portal.models import PartnerUser

        account = (PartnerUser.objects.select_related("partner", "user")
                   .filter(pk=account_id, user=request.user, removed_at=None, user__is_active=True).first())
        if account is None:  # removed since the last request: signed out at once
            logout(request)
            return redirect("login")
        request.partner_user = account
        path = request.path
        if path == "/":
            return redirect("portal:home")
        if path.startswith(PARTNER_PREFIX) or path.startswith(SHARED_PREFIXES):
            return self.get_response(request)
        response = render(request, "403.html", status=403)
        return response if response.status_code == 403 else HttpResponseForbidden()

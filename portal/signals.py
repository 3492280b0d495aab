"""A partner's session is marked at sign-in, so that staff requests cost no extra query (portal.middleware)."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

SESSION_KEY = "portal_partner_user"


@receiver(user_logged_in)
def partner_session_mark(sender, request, user, **kwargs):
    from portal.models import PartnerUser

    account = PartnerUser.objects.filter(user=user).values_list("pk", flat=True).first()
    if request is not None and hasattr(request, "session"):
        if account:
            request.session[SESSION_KEY] = account
        else:
            request.session.pop(SESSION_KEY, None)

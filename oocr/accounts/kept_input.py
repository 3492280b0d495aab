"""No work lost to the idle timeout: a form posted after the session ended is kept for the person who typed it.

Whose input is it? The request is signed out (or signed in as someone else), so the session cannot
say. The form's CSRF token can: Django renews the token's secret at every sign-in, so a secret
names one sign-in on this browser. On every page shown to a signed-in person this module notes
(user, digest of the secret) in a signed, HttpOnly cookie holding the last few; a posted token is
then matched to the person it was shown to, or to nobody (then nothing is kept). The input is kept
server-side (`KeptFormInput`, personal data: short-lived, one person, used once), its random id
travels in the signed-out session, never in an address; after signing in (and the two-factor code)
the person's next visit to the page fills its form from it, once. Someone else signing in on the
same browser gets nothing, and the kept input is deleted.
"""

import hashlib

from django.conf import settings
from django.core import signing
from django.middleware.csrf import CSRF_TOKEN_LENGTH, InvalidTokenFormat, _check_token_format, _unmask_cipher_token

from oocr.accounts import selectors, services
from oocr.accounts.models import KeptFormInput
from oocr.forms import KeptInput

SESSION_KEY = "kept_form_input"
OWNER_COOKIE = "oocr_form_owner"
OWNER_SALT = "oocr.accounts.kept_input.owner"
# Sign-ins remembered per browser: a form left open across a few sign-ins (other tabs, other people) is still placed.
OWNERS_REMEMBERED = 4


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:32]


def _owners(request) -> list[list]:
    try:
        owners = signing.loads(request.COOKIES.get(OWNER_COOKIE, ""), salt=OWNER_SALT)
    except signing.BadSignature:
        return []
    return owners if isinstance(owners, list) else []


def form_owner_note(request, response) -> None:
    """Note on the browser who the pages' forms are being shown to: the signed-in person and their CSRF secret."""
    user = getattr(request, "user", None)
    secret = request.META.get("CSRF_COOKIE")
    if user is None or not user.is_authenticated or not secret:
        return
    entry = [user.pk, _digest(secret)]
    owners = _owners(request)
    if owners[:1] == [entry]:
        return
    owners = [entry] + [owner for owner in owners if owner != entry][: OWNERS_REMEMBERED - 1]
    response.set_cookie(
        OWNER_COOKIE, signing.dumps(owners, salt=OWNER_SALT), httponly=True, samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def form_owner_id(request) -> int | None:
    """The id of the person the posted form was shown to, from its CSRF token; None when it cannot be told."""
    token = request.POST.get("csrfmiddlewaretoken") or request.META.get(settings.CSRF_HEADER_NAME) or ""
    try:
        _check_token_format(token)
    except InvalidTokenFormat:
        return None
    # Django's own unmasking (private, stable since Django 4.1): a token shown in a page is the secret, masked.
    secret = _unmask_cipher_token(token) if len(token) == CSRF_TOKEN_LENGTH else token
    digest = _digest(secret)
    return next((owner[0] for owner in _owners(request) if len(owner) == 2 and owner[1] == digest), None)


def form_input_keep(request, *, path: str) -> KeptFormInput | None:
    """Keep a form's posted input for the person it was shown to, if they can be told and nobody else is signed in.

    The kept input's id goes in the session, which survives signing in as the same person.
    """
    owner_id = form_owner_id(request)
    user = request.user
    if owner_id is None or (user.is_authenticated and user.pk != owner_id):
        return None
    kept = services.kept_form_input_keep(user_id=owner_id, path=path, post=request.POST)
    if kept is not None:
        request.session[SESSION_KEY] = str(kept.pk)
    return kept


def kept_input_for(request) -> tuple[KeptFormInput, KeptInput] | None:
    """The kept input to fill this page's form with: the signed-in owner's, on the page it was typed on.

    Anyone else signed in on the browser makes it go: deleted, never shown.
    """
    key = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    if not key or request.method != "GET" or not request.user.is_authenticated:
        return None
    kept = selectors.kept_form_input_by_key(key=key)
    if kept is None or kept.user_id != request.user.pk:
        if kept is not None:
            services.kept_form_input_discard(kept=kept)
        request.session.pop(SESSION_KEY, None)
        return None
    if kept.path != request.path:
        return None
    return kept, KeptInput(kept.data)


def kept_input_used(request, kept: KeptFormInput) -> None:
    services.kept_form_input_discard(kept=kept)
    request.session.pop(SESSION_KEY, None)

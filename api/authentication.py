"""Bearer tokens from the OAuth2 client credentials grant: the only way in to /api/v1/ (no session, no password)."""

from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework import exceptions

from oocr.client_address import client_address


class ClientTokenAuthentication(OAuth2Authentication):
    """A valid, unexpired token of an active client, called from an address the client may call from.

    Returns the client's own user (so history and the access log name it) and the token.
    """

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is None:
            return None
        _user, token = found
        client = getattr(token.application, "api_client", None) if token.application_id else None
        if client is None or not client.is_active:
            raise exceptions.AuthenticationFailed("This client has been revoked.")
        if not client.address_allowed(client_address(request._request)):
            raise exceptions.PermissionDenied("This client may not call from this address.")
        request._request.api_client = client
        return client.user, token

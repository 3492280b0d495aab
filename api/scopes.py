"""django-oauth-toolkit's scopes backend: a client may ask only for the scopes its administrator gave it."""

from django.conf import settings
from oauth2_provider.scopes import BaseScopes


class ClientScopes(BaseScopes):
    def get_all_scopes(self):
        return settings.API_SCOPES

    def _client_scopes(self, application) -> list[str]:
        client = getattr(application, "api_client", None) if application is not None else None
        if client is None or not client.is_active:
            return []
        return [scope for scope in client.scopes if scope in settings.API_SCOPES]

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        return self._client_scopes(application)

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        return self._client_scopes(application)

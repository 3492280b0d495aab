"""How the schema describes the client credentials flow and each operation's scope."""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ClientTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ClientTokenAuthentication"
    name = "oauth2"

    def get_security_requirement(self, auto_schema):
        return {self.name: [getattr(auto_schema.view, "required_scope", "")]}

    def get_security_definition(self, auto_schema):
        return {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "/api/v1/token/", "scopes": settings.API_SCOPES}}}

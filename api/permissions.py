"""The permission every /api/v1/ operation checks (DEFAULT_PERMISSION_CLASSES): the token carries the operation's
scope, and its client is still given that scope."""

from rest_framework.permissions import BasePermission


class ScopeRequired(BasePermission):
    """An authenticated client whose token holds the view's `required_scope` (and which still holds it)."""

    message = "This token does not hold the scope this operation needs."

    def has_permission(self, request, view):
        token, client = request.auth, getattr(request._request, "api_client", None)
        if token is None or client is None:
            return False
        scope = getattr(view, "required_scope", None)
        if scope is None:
            return False
        self.message = f"This operation needs the scope {scope}."
        return token.allow_scopes([scope]) and scope in client.scopes

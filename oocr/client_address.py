"""The address a request really came from, behind the reverse proxy the deployment puts in front.

`X-Forwarded-For` is believed only when the connection itself came from a proxy named in
`TRUSTED_PROXIES` (addresses or networks): anyone else can send the header with any address in it.
Each trusted proxy appends the address it saw, so the client is the right-most entry that is not
itself a trusted proxy. Without trusted proxies the connection's own address is used.
"""

import ipaddress

from django.conf import settings


def _networks() -> list:
    return [ipaddress.ip_network(entry, strict=False) for entry in settings.TRUSTED_PROXIES]


def _trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request) -> str | None:
    """The client's IP address, or None when there is none to believe."""
    remote = request.META.get("REMOTE_ADDR") or None
    networks = _networks()
    if remote is None or not _trusted(remote, networks):
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    for address in reversed(forwarded):
        if not _trusted(address, networks):
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                return remote  # not an address: believe only the connection
    return remote

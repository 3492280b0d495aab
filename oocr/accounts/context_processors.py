"""What every page's template is given: the force's and the service's names, the navigation the signed-in person may
use, their unread notifications, and the timings of the idle timeout warning."""

from django.conf import settings

from oocr.accounts.roles import navigation_for
from oocr.links import address
from oocr.notifications.selectors import unread_count


def service(request):
    """The force's name and the navigation the signed-in person may use."""
    user = getattr(request, "user", None)
    navigation, unread = [], 0
    if user and user.is_authenticated:
        unread = unread_count(user=user)
        for item in navigation_for(user):
            url = address(item.url_name)
            navigation.append({"label": item.label, "url": url, "active": request.path.startswith(url)})
    return {
        "force_name": settings.FORCE_NAME,
        "service_name": settings.SERVICE_NAME,
        "navigation": navigation,
        "unread_notifications": unread,
        # The timeout warning's timings (templates/partials/timeout_warning.html).
        "session_idle_seconds": settings.SESSION_COOKIE_AGE,
        "session_idle_minutes": settings.SESSION_COOKIE_AGE // 60,
        "session_warning_seconds": settings.SESSION_WARNING_SECONDS,
        "session_warning_minutes": max(1, settings.SESSION_WARNING_SECONDS // 60),
    }

from django.conf import settings
from django.urls import reverse

from oocr.accounts.roles import navigation_for


def service(request):
    """The force's name and the navigation the signed-in person may use."""
    user = getattr(request, "user", None)
    navigation = []
    if user and user.is_authenticated:
        for item in navigation_for(user):
            url = reverse(item.url_name)
            navigation.append({"label": item.label, "url": url, "active": request.path.startswith(url)})
    return {"force_name": settings.FORCE_NAME, "service_name": settings.SERVICE_NAME, "navigation": navigation}

"""Sessions in the database, as Django's `db` engine, renewed at most once a minute rather than on every request.

Idle expiry needs the session's expiry pushed on at each request (it was SESSION_SAVE_EVERY_REQUEST: one UPDATE
and the session encoded and signed again on every page, a tenth of a light page's CPU). Here a session unchanged
by the request is saved only when its stored expiry is more than `renewal_seconds()` behind the one a save would
give, so the idle time runs out at most that much early; the timeout warning (SESSION_WARNING_SECONDS before the
end) still opens before it, since the interval is at most half the warning. Sessions stay server-side: signing out,
deactivation (accounts.services.sessions_end) and expiry work on the same rows as before.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.db.models import CharField, DateTimeField
from django.utils import timezone

from oocr.prepared import PreparedQuery, Slot

RENEWAL_SECONDS = 60

# Every request with a session loads it: built and compiled once a process (oocr/prepared.py).
_SESSION = PreparedQuery(lambda: db.SessionStore.get_model_class().objects.filter(
    session_key=Slot("key", CharField()), expire_date__gt=Slot("now", DateTimeField())))


def renewal_seconds() -> int:
    return max(0, min(RENEWAL_SECONDS, settings.SESSION_WARNING_SECONDS // 2))


class SessionStore(db.SessionStore):
    stored_expiry = None

    def _get_session_from_db(self):
        """Django's: the session of this key, unless it has expired (then no key: a new one is made if saved)."""
        session = next(iter(_SESSION.rows({"key": self.session_key, "now": timezone.now()})), None)
        if session is None:
            self._session_key = None
        self.stored_expiry = session.expire_date if session is not None else None
        return session

    def renewal_due(self) -> bool:
        """Whether saving now would push the stored expiry on by more than the renewal interval (or it is unknown)."""
        self._get_session()  # loads it (and its stored expiry) if the request did not
        if self.stored_expiry is None:
            return True
        return self.get_expiry_date() - self.stored_expiry >= timedelta(seconds=renewal_seconds())


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, with SESSION_SAVE_EVERY_REQUEST off: a signed-in session is marked for saving when renewal is due."""

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if (session is not None and not session.modified and not session.is_empty()
                and getattr(session, "renewal_due", lambda: True)()):
            session.modified = True
        return super().process_response(request, response)

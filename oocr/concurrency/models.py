"""Two people (or two tabs) at the same record, and the same form posted twice.

`Versioned` gives a record a `version` that every edit through `version_bump` compares and
increments in one UPDATE: an edit made over a version the editor did not read is refused, never
silently written over. `FormToken` records each create form's one-time token when the form is first
accepted, so that the same post sent again (back button, a retry) creates nothing new.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Versioned(models.Model):
    """A record several people can edit: its `version` counts the edits made through `version_bump`."""

    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)  # db_default: bulk loads (bench) leave it out

    class Meta:
        abstract = True


class FormToken(models.Model):
    """A create form's one-time token, recorded with the page its first accepted post went to.

    Unique per user: a second post of the same token waits on the index until the first commits,
    then finds this row and goes to `redirect_to` instead of creating a second record.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64)
    used_at = models.DateTimeField(default=timezone.now)
    redirect_to = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "token"], name="form_token_once_per_user")]

    def __str__(self):
        return f"Form token used at {self.used_at:%Y-%m-%d %H:%M}"

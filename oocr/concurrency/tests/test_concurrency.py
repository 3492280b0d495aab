"""The shared mechanism: compare-and-increment of a version, and one-time form tokens."""

import pytest

from keyworkers.models import StaffProfile
from keyworkers.tests.factories import StaffProfileFactory
from oocr.accounts.tests.factories import KeyworkerFactory
from oocr.concurrency.models import FormToken
from oocr.concurrency.services import (
    ANY_VERSION, EditConflict, form_token_claim, form_token_done, form_token_new, form_token_parse, version_bump,
    version_parse,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("sent", [None, "", "abc", "-1", "0", "1.5", "99999999999999999999", "٣", "\x00", ["1"]])
def test_anything_that_is_not_a_version_reads_as_none(sent):
    assert version_parse(sent) is None


def test_of_two_edits_read_at_the_same_version_only_the_first_is_made():
    profile = StaffProfileFactory()
    editor = KeyworkerFactory(first_name="Sam", last_name="Keyworker")
    version_bump(profile, read_version=1, user=editor)
    profile.save()
    StaffProfile.history.filter(id=profile.pk).update(history_user=editor)
    stale = StaffProfile.objects.get(pk=profile.pk)
    with pytest.raises(EditConflict) as refused:
        version_bump(stale, read_version=1, user=KeyworkerFactory())
    assert refused.value.record.version == 2
    assert "(Sam Keyworker)" in refused.value.message and "Someone else changed this record at" in refused.value.message
    assert StaffProfile.objects.get(pk=profile.pk).version == 2


def test_a_missing_version_is_refused_and_code_that_does_not_read_one_still_moves_it_on():
    profile = StaffProfileFactory()
    with pytest.raises(EditConflict):
        version_bump(profile, read_version=None, user=profile.user)
    version_bump(profile, read_version=ANY_VERSION, user=profile.user)
    assert profile.version == StaffProfile.objects.get(pk=profile.pk).version == 2


def test_a_token_is_claimed_once_per_user_and_remembers_where_its_post_went():
    user, other = KeyworkerFactory(), KeyworkerFactory()
    token = form_token_new()
    assert form_token_parse(token) == token and form_token_parse("x" * 5000) is None
    assert form_token_claim(token=token, user=user) is None
    form_token_done(token=token, user=user, redirect_to="/cases/1/contacts/")
    assert form_token_claim(token=token, user=user).redirect_to == "/cases/1/contacts/"
    assert form_token_claim(token=token, user=other) is None  # another person's post of the same page is their own
    assert FormToken.objects.count() == 2

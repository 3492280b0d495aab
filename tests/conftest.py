import copy

import pytest
from django.conf import settings


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe is injected as a script; the service's own CSP would (rightly) refuse it.
    return {**browser_context_args, "bypass_csp": True, "viewport": {"width": 1280, "height": 800}}


# The URL matrix and the query-garbage test (37 tests) each read one world of people and records (build_world, 1-2 s
# of factories and services). It is built once per module and process, in a transaction of its own that each test's
# own transaction nests in (a savepoint, rolled back after the test, as for any test), and rolled back when the module's
# tests are done: as Django's TestCase.setUpTestData does for a class. Each test gets its own copy of the Python objects.
# While it is open every test of the module that runs on that process sees its rows, whether it asks for `world` or not:
# a test there that needs an empty database, or a transactional one, belongs in another module.
@pytest.fixture(scope="module")
def world_of_the_module(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.db import transaction
    from django.test.utils import override_settings

    from oocr.celery import app
    from tests.test_url_matrix import build_world

    documents = tmp_path_factory.mktemp("world-documents")
    # What the tests' autouse fixtures give a test, for the build: tasks in process, documents in a temporary folder.
    storage = override_settings(STORAGES=world_storages(documents))
    eager, app.conf.task_always_eager = app.conf.task_always_eager, True
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with storage:
                built = build_world()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
        finally:
            app.conf.task_always_eager = eager
    yield built, documents
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def world_storages(documents) -> dict:
    return {**settings.STORAGES, "documents": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                               "OPTIONS": {"location": str(documents)}}}


@pytest.fixture
def world(world_of_the_module, db, settings):
    """build_world()'s people and records (a copy of the objects; the rows are the module's, see above)."""
    built, documents = world_of_the_module
    settings.STORAGES = world_storages(documents)  # the world's document is in the module's folder
    return copy.deepcopy(built)

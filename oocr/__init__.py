"""The project package: settings, URLs, and what every app shares (forms, views, the core apps under oocr/).

The Celery app is loaded whenever Django starts, so that @shared_task binds to it.
"""

from oocr.celery import app as celery_app

__all__ = ("celery_app",)

from django.apps import AppConfig


class ConcurrencyConfig(AppConfig):
    name = "oocr.concurrency"
    label = "concurrency"
    verbose_name = "Concurrent edits and repeated posts"

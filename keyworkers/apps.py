from django.apps import AppConfig


class KeyworkersConfig(AppConfig):
    name = "keyworkers"
    verbose_name = "Keyworkers"

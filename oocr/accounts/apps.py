from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "oocr.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Documents of a case"

    def ready(self):
        from documents import services

        services.hooks_register()

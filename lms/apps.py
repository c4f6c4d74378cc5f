from django.apps import AppConfig


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = "Sinau"

    def ready(self):
        from .forms import register_number_fields

        register_number_fields()

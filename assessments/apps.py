from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        # Django's idiom: what needs the loaded models is imported in ready().
        from . import signals
        from .admin import forms as admin_forms

        admin_forms.attach()
        signals.connect()

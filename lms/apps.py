from django.apps import AppConfig

from lms.common.forms import register_number_fields
from lms.common.uniqueness import install as uniqueness_install


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = "Sinau"

    def ready(self):
        # Every many-to-many choice in an admin form is a list of checkboxes:
        # a <select multiple> needs Ctrl-click, which nobody is told and a
        # phone cannot do. (Other helpers of the admin's forms: a chooser
        # panel, or an InlinePanel/MultipleChooserPanel for orderables.)
        # Wagtail's admin forms import its models: only once apps are ready.
        from django import forms
        from django.db import models
        from wagtail.admin.forms.models import register_form_field_override

        register_form_field_override(
            models.ManyToManyField, override={"widget": forms.CheckboxSelectMultiple}
        )
        uniqueness_install()
        register_number_fields()

"""Admin forms for the question bank and quiz pages. No model imports here:
models.py uses these as its `base_form_class`."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm


class QuestionForm(WagtailAdminModelForm):
    """Checks that a question can be graded before it is saved."""

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        formset = self.formsets.get("choices")
        if formset is None or not kind or not formset.is_valid():
            return cleaned
        choices = [
            form.cleaned_data
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        right = sum(1 for c in choices if c.get("is_correct"))
        if kind in ("single", "multiple") and len(choices) < 2:
            self.add_error(None, _("Give at least two choices."))
        elif kind == "single" and right != 1:
            self.add_error(None, _("Mark exactly one choice as correct."))
        elif kind == "multiple" and right < 1:
            self.add_error(None, _("Mark at least one choice as correct."))
        elif kind == "ordering" and len(choices) < 3:
            self.add_error(None, _("Give at least three items, in the right order."))
        elif kind in ("true_false", "numeric", "essay"):
            if choices:
                self.add_error(None, _("This type of question has no choices."))
        return cleaned


class QuizPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        if cleaned.get("random_count") and not cleaned.get("random_category"):
            self.add_error(
                "random_category", _("Choose the category to draw questions from.")
            )
        return cleaned

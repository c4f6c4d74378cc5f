from django import forms
from django.utils.translation import gettext_lazy as _

from lms.common.forms import NumberField

from .models import QuestionCategory

MAX_IMPORT_BYTES = 5 * 1024 * 1024


class ImportForm(forms.Form):
    FORMATS = [
        ("moodle", _("Moodle XML")),
        ("gift", _("GIFT")),
        ("quizapp", _("django-quiz-app data (dumpdata JSON)")),
    ]
    file = forms.FileField(label=_("File"))
    format = forms.ChoiceField(label=_("Format"), choices=FORMATS)
    category = forms.ModelChoiceField(
        label=_("Put every question in"),
        queryset=QuestionCategory.objects.all(),
        required=False,
        empty_label=_("the categories named in the file"),
    )
    skip_unsupported = forms.BooleanField(
        label=_(
            "Import the rest if some questions are of unsupported types or have errors"
        ),
        help_text=_(
            "Questions of unsupported types (cloze, calculated, drag and "
            "drop…) and questions with an error are left out whole and listed "
            "on the result page. Without this, such a file imports nothing."
        ),
        required=False,
    )

    def __init__(self, *args, categories=None, **kwargs):
        """`categories`: the categories the user may import into (staff
        scope); any other posted category is an invalid choice."""
        super().__init__(*args, **kwargs)
        if categories is not None:
            self.fields["category"].queryset = categories

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 5 MB)."))
        return upload


class ExportForm(forms.Form):
    FORMATS = [("moodle", _("Moodle XML")), ("gift", _("GIFT"))]
    category = forms.ModelChoiceField(
        label=_("Category (with its subcategories)"),
        queryset=QuestionCategory.objects.all(),
    )
    format = forms.ChoiceField(label=_("Format"), choices=FORMATS)


class MarkForm(forms.Form):
    """The points of an essay mark, read as staff numbers are (lms.common.forms:
    `2,5`; `1.250` is asked once); `essay_mark` checks them against the
    answer's maximum. Field ids are the field names (`points`)."""

    points = NumberField(decimal_places=2, max_digits=6)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "%s")
        super().__init__(*args, **kwargs)
        self.fields["points"].widget.attrs["required"] = True

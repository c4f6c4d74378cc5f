from django import forms
from django.utils.translation import gettext_lazy as _

from lms.common.spreadsheets import SpreadsheetError, xlsx_check

from .models import CohortExport
from .services import MessageRefused, announcement_clean

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (CSV or XLSX)"),
        help_text=_("Columns: nama, hp and/or email, desa (optional)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        head = upload.read(2)
        upload.seek(0)
        if head == b"PK":
            try:
                xlsx_check(upload.read())
            except SpreadsheetError as exc:
                raise forms.ValidationError(exc.refusal) from exc
            finally:
                upload.seek(0)
        return upload


class ExportForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"), choices=CohortExport.Kind.choices)
    format = forms.ChoiceField(
        label=_("Format"),
        choices=CohortExport.Format.choices,
        widget=forms.RadioSelect,
        initial=CohortExport.Format.XLSX,
    )


class AnnouncementForm(forms.Form):
    """The text of an announcement; the service's rules
    (`services.announcement_clean`) give the errors."""

    body = forms.CharField(
        label=_("Message"),
        help_text=_(
            "At most 500 characters. Members read it in Sinau and get it by "
            "WhatsApp, SMS or email where they agreed to."
        ),
        widget=forms.Textarea(
            attrs={"rows": 5, "maxlength": 500, "aria-describedby": "body-help"}
        ),
        strip=False,
    )

    def clean_body(self):
        try:
            return announcement_clean(body=self.cleaned_data["body"])
        except MessageRefused as refused:
            raise forms.ValidationError(refused.message) from refused

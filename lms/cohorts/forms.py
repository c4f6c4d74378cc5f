from django import forms
from django.utils.translation import gettext_lazy as _

from lms.common.spreadsheets import SpreadsheetError, xlsx_check

from .models import CohortExport

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

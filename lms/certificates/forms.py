from django import forms
from django.utils.translation import gettext_lazy as _

from .services import NAME_MAX_LENGTH, code_normalize


class VerifyCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Certificate code"),
        max_length=20,
        help_text=_("12 letters and numbers, as printed: e.g. ACDE-FGHJ-KMNP."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters"}),
    )

    def clean_code(self) -> str:
        code = code_normalize(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError(
                _("That is not a certificate code. Check it and try again.")
            )
        return code


class RecipientNameForm(forms.Form):
    name = forms.CharField(
        label=_("Name on your certificates"),
        max_length=NAME_MAX_LENGTH,
        help_text=_("Exactly as it should be printed, e.g. with your full name."),
    )
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To confirm it is you."),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return password


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit trail; not shown on the public page."),
    )

"""django-allauth's forms with Sinau's labels (Indonesian via our catalogue)."""

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class LoginForm(AllauthLoginForm):
    """Log in with an email address or a phone number."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        login = self.fields["login"]
        login.label = _("Email or phone number")
        login.help_text = _("For example 0812 3456 7890 or nama@contoh.id.")
        login.widget.attrs.update({"autocomplete": "username", "placeholder": ""})
        password = self.fields["password"]
        password.label = _("Password")
        password.widget.attrs["placeholder"] = ""
        if "remember" in self.fields:
            self.fields["remember"].label = _("Remember me on this phone")


class SignupForm(AllauthSignupForm):
    """Sign up with a phone number (email optional), a name and a password."""

    display_name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("Shown to your trainer and printed on certificates."),
    )
    field_order = ["display_name", "phone", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Email (optional)")
        self.fields["password1"].label = _("Password")
        self.fields["password2"].label = _("Password (again)")
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)


class ResetPasswordForm(AllauthResetPasswordForm):
    """Ask for a reset link by email. Answers the same whether or not the
    address has an account (an unknown address gets a mail saying so, the
    page says nothing); allauth throttles it (`reset_password`)."""

    def clean_email(self) -> str:
        try:
            return super().clean_email()
        except ValidationError as error:
            if error.code != "unknown_email":
                raise
            self.users = []
            return self.cleaned_data["email"]

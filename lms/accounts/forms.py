"""django-allauth's forms with Sinau's labels (Indonesian via our catalogue)."""

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ResetPasswordForm as AllauthResetPasswordForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .names import person_name_clean
from .phone import PhoneField


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

    def clean_display_name(self) -> str:
        """The name as certificates print it (`person_name_clean`: no bidi
        overrides or invisible characters), as on the profile page."""
        name = person_name_clean(self.cleaned_data["display_name"])
        if not name:
            raise ValidationError(_("Write your name."), code="required")
        return name

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


class ProfileForm(forms.Form):
    """The account page: name (what certificates print), phone, email, and
    the current password to confirm the change."""

    display_name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("Shown to your trainer and printed on certificates."),
    )
    phone = PhoneField(required=False)
    email = forms.EmailField(
        label=_("Email (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Your current password"),
        help_text=_("To confirm that it is you."),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        self.user = user
        kwargs.setdefault(
            "initial",
            {
                "display_name": user.get_full_name(),
                "phone": user.phone or "",
                "email": user.email or "",
            },
        )
        super().__init__(*args, **kwargs)

    def clean_display_name(self) -> str:
        name = person_name_clean(self.cleaned_data["display_name"])
        if not name:
            raise ValidationError(_("Write your name."), code="required")
        return name

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        # Throttled like every password check (raises PasswordCheckThrottled).
        if not self.user.check_password(password):
            raise ValidationError(
                _("This is not your current password."), code="password_incorrect"
            )
        return password

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("phone") and not data.get("email"):
            raise ValidationError(
                _("Give a phone number or an email address (or both)."),
                code="need_phone_or_email",
            )
        return data


class PasswordLinkCreateForm(forms.Form):
    """A trainer picks one of their trainees."""

    trainee = forms.ModelChoiceField(
        label=_("Trainee"),
        queryset=None,
        empty_label=_("Choose a trainee"),
        error_messages={
            "invalid_choice": _(
                "Choose one of your trainees: people enrolled in a course you teach."
            )
        },
    )

    def __init__(self, *args, trainees, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["trainee"]
        field.queryset = trainees
        field.label_from_instance = lambda u: " · ".join(
            part for part in (u.get_full_name(), u.phone, u.email) if part
        )


class PasswordLinkSetForm(SetPasswordForm):
    """Set a new password from a one-time link (Django's validators)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password2"].label = _("New password (again)")

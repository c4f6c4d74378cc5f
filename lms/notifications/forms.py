"""Forms for a person's own channel choices, and the sign-up form with its
opt-in to WhatsApp and SMS (it records the choice here, above
lms.accounts in the layers, so accounts need not know notifications)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lms.accounts.forms import SignupForm as AccountSignupForm

from .models import Channel
from .services import consent_set

# The channels a person switches on or off on their choices page; push is
# shown, not switched: it is on for the phones that subscribed.
CHOSEN = (Channel.WHATSAPP, Channel.SMS, Channel.EMAIL)


class ChannelChoicesForm(forms.Form):
    """On/off per channel. A channel with no address (no phone for WhatsApp
    and SMS, no email Sinau may use) is disabled: it cannot be switched on,
    and a POST cannot change it. `consents`: channel -> the recorded
    choice (`services.consents_of`); no choice means off for WhatsApp and
    SMS (they need a yes), on for email."""

    whatsapp = forms.BooleanField(label=_("WhatsApp"), required=False)
    sms = forms.BooleanField(label=_("SMS"), required=False)
    email = forms.BooleanField(label=_("Email"), required=False)

    def __init__(self, *args, consents: dict, has_phone: bool, has_email: bool, **kw):
        kw.setdefault(
            "initial",
            {
                "whatsapp": consents.get(Channel.WHATSAPP, False),
                "sms": consents.get(Channel.SMS, False),
                "email": consents.get(Channel.EMAIL, True),
                "push": consents.get(Channel.PUSH),
            },
        )
        super().__init__(*args, **kw)
        for name, field in self.fields.items():
            field.widget.attrs["aria-describedby"] = f"id_{name}_help"
        if not has_phone:
            for name in ("whatsapp", "sms"):
                self.fields[name].disabled = True
        if not has_email:
            self.fields["email"].disabled = True

    def choices(self) -> dict[str, bool]:
        """channel -> on/off for every channel the person could change."""
        return {
            str(channel): bool(self.cleaned_data[str(channel)])
            for channel in CHOSEN
            if not self.fields[str(channel)].disabled
        }


class SignupForm(AccountSignupForm):
    """lms.accounts' sign-up form plus "Send me messages by WhatsApp/SMS"
    (off unless ticked). Ticked, it records a yes for WhatsApp and SMS
    (`ChannelConsent`, source "signup") for the new account."""

    messages_ok = forms.BooleanField(
        label=_("Send me messages by WhatsApp/SMS"),
        required=False,
        help_text=_(
            "Free for you: Sinau pays. For example when your certificate is "
            "ready or a trainer has checked your task. You can stop at any time."
        ),
    )
    field_order = [*AccountSignupForm.field_order, "messages_ok"]

    def custom_signup(self, request, user) -> None:
        super().custom_signup(request, user)
        if self.cleaned_data.get("messages_ok"):
            for channel in (Channel.WHATSAPP, Channel.SMS):
                consent_set(user=user, channel=channel, allowed=True, source="signup")

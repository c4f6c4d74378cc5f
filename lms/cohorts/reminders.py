"""Reminder senders. The beat task asks the sender named by the
`SINAU_REMINDER_SENDER` setting to deliver; an SMS or WhatsApp sender is a
new class with the same `send` method, no change to the task."""

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from lms.accounts.selectors import user_email_mailable
from lms.accounts.services import whatsapp_share_url
from lms.common.addresses import public_url

from .models import ReminderOptOut

OPT_OUT_SALT = "cohort-reminder-opt-out"


def opt_out_url(*, user) -> str:
    """An absolute link that stops reminders for `user`, no login needed."""
    token = signing.dumps(user.pk, salt=OPT_OUT_SALT)
    return public_url(reverse("cohorts:reminder_opt_out", args=[token]))


def reminder_text(*, user, cohort) -> tuple[str, str]:
    """The subject and body, in the trainee's language."""
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        subject = _("We miss you in %(cohort)s") % {"cohort": cohort.name}
        body = _(
            "Hello %(name)s,\n\n"
            "It has been a while since you last studied in %(cohort)s. "
            "A few minutes today is enough to keep going: open Sinau and press "
            "'Continue' on My learning.\n\n%(url)s\n\n"
            "Your trainers are happy to help if you are stuck.\n\n"
            "Do not want these reminders? %(opt_out)s"
        ) % {
            "name": user.get_short_name(),
            "cohort": cohort.name,
            "url": public_url(reverse("courses:my_learning")),
            "opt_out": opt_out_url(user=user),
        }
    return subject, body


def reminder_whatsapp_url(*, user, cohort) -> str | None:
    """A `https://wa.me/` link that opens WhatsApp to `user`'s phone with
    the reminder (`reminder_text`, opt-out link included) typed in, for a
    trainer or manager to send by hand; None when `user` has no phone or
    opted out of reminders."""
    if not user.phone or ReminderOptOut.objects.filter(user=user).exists():
        return None
    _subject, body = reminder_text(user=user, cohort=cohort)
    return whatsapp_share_url(phone=user.phone, text=body)


class ReminderSender:
    """Delivers one reminder; returns False when the person cannot be
    reached this way (the reminder is recorded as skipped)."""

    def send(self, *, user, cohort) -> bool:
        raise NotImplementedError


class EmailSender(ReminderSender):
    """Mails the reminder to the address the person gave or confirmed
    (`user_email_mailable`); an address an import typed in and nobody
    confirmed is never mailed."""

    def send(self, *, user, cohort) -> bool:
        address = user_email_mailable(user=user)
        if not address:
            return False
        subject, body = reminder_text(user=user, cohort=cohort)
        send_mail(subject, body, None, [address])
        return True

"""Reads for accounts."""

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.db.models import Q, QuerySet
from django.utils.crypto import salted_hmac
from wagtail import hooks

from .models import User
from .roles import PROGRAM_MANAGERS, TRAINEES, TRAINERS


def password_link_creators_may(*, user) -> bool:
    """May `user` make one-time password links at all? Active superusers,
    trainers and program managers."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name__in=[TRAINERS, PROGRAM_MANAGERS]).exists()


def user_email_mailable(*, user) -> str | None:
    """The address Sinau may send unrequested mail to (reminders, "your
    certificate is ready"), or None. An address the person gave themselves
    (sign-up, profile) may be mailed; one a cohort import typed in for them
    (`User.provisioned`) only once its owner confirmed it, by following a
    link mailed there (a password reset: `services.user_email_confirm`), so
    a mistyped or malicious import never mails a stranger. One query for a
    provisioned account, none otherwise."""
    from allauth.account.models import EmailAddress

    if not user.email or not user.is_active:
        return None
    if not user.provisioned:
        return user.email
    confirmed = EmailAddress.objects.filter(
        user=user, email__iexact=user.email, verified=True
    ).exists()
    return user.email if confirmed else None


def accounts_trainee_only() -> QuerySet[User]:
    """Active accounts that are trainees and nothing more: not staff, not
    superusers, in no group but Trainees and with no permission of their
    own. Only these may get a password link from staff or be added to a
    cohort by an import, so neither can open a more powerful account."""
    return (
        User.objects.filter(is_active=True, is_staff=False, is_superuser=False)
        .exclude(groups__in=Group.objects.exclude(name=TRAINEES))
        .filter(user_permissions__isnull=True)
    )


def accounts_password_linkable() -> QuerySet[User]:
    """Accounts a one-time password link may be made for, or redeemed on, at
    all: trainee-only accounts (`accounts_trainee_only`) that the programme
    created (`User.provisioned`, a cohort import) and whose owner has never
    chosen a password (it is still Django's unusable one). An account its
    owner made, or one whose owner set a password, is reached only through
    its owner's own email reset: being in a cohort gives nobody power over
    it."""
    return accounts_trainee_only().filter(
        provisioned=True, password__startswith=UNUSABLE_PASSWORD_PREFIX
    )


def people_in_staff_scope(*, user) -> Q:
    """The people `user` acts for as staff (password links): a filter on
    User over the user-id subqueries of every `sinau_people_in_staff_scope`
    hook, each called with `user=` (lms.cohorts answers the active members
    of the cohorts `user` manages or teaches). Apps above accounts fill it
    in, so accounts imports none of them. Nobody without a hook."""
    scope = Q(pk__in=[])
    for people in hooks.get_hooks("sinau_people_in_staff_scope"):
        scope |= Q(pk__in=people(user=user))
    return scope


def trainees_password_linkable_by(*, user) -> QuerySet[User]:
    """The people `user` may make a one-time password link for: accounts in
    `accounts_password_linkable()` that are in `user`'s staff scope
    (`people_in_staff_scope`: active members of a cohort `user` manages or
    teaches); a superuser any such account. Never staff, superusers,
    trainers, program managers, invited people or `user` themself. One
    query when evaluated."""
    if not password_link_creators_may(user=user):
        return User.objects.none()
    people = accounts_password_linkable()
    if not user.is_superuser:
        people = people.filter(people_in_staff_scope(user=user))
    return (
        people.exclude(groups__name__in=[TRAINERS, PROGRAM_MANAGERS])
        .exclude(pk=user.pk)
        .distinct()
        .order_by("display_name", "phone", "email")
    )


def offline_user_key(*, user) -> str:
    """An opaque key for a signed-in person (20 hex characters), the same on
    every page: the service worker (static/js/sw.js) keeps each trainee's
    saved pages under it, so a phone shared by two trainees never shows one
    the other's. Not the user id, and useless without SECRET_KEY."""
    return salted_hmac("sinau.offline.user", str(user.pk)).hexdigest()[:20]

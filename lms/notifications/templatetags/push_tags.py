"""{% vapid_public_key %}: the key browsers subscribe with (the VAPID
application server key, base64url), '' when web push is off."""

from django import template
from django.conf import settings

from ..channels.push import push_configured

register = template.Library()


@register.simple_tag
def vapid_public_key() -> str:
    return settings.SINAU_VAPID_PUBLIC_KEY if push_configured() else ""

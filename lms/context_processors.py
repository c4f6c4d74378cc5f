from django.conf import settings
from django.utils.translation import gettext as _


def site(request) -> dict:
    """What every page needs from the settings: the help link."""
    return {
        "help_url": settings.SINAU_HELP_URL,
        "help_label": settings.SINAU_HELP_LABEL or _("Help via WhatsApp"),
    }

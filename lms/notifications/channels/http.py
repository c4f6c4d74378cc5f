"""The one way the channels call a provider over HTTP (WhatsApp Cloud API,
the SMS gateway): `requests` with a timeout, and the failures that mean
"try again later" turned into ChannelDown."""

import requests
from django.conf import settings

from .base import ChannelDown

# Statuses that say the provider is busy or broken, not that it refused
# this message: 429 Too Many Requests and every 5xx.
RETRY_STATUSES = frozenset({408, 425, 429})


def provider_post(url: str, **kwargs) -> requests.Response:
    """POST to `url` (keyword arguments as for `requests.post`: json=,
    data=, headers=) with `settings.SINAU_NOTIFICATION_HTTP_TIMEOUT`
    seconds to connect and to read. Returns the response for any status
    below 500 except 408/425/429. Raises ChannelDown on a connection error,
    a timeout, a 5xx or 408/425/429. Never follows a redirect (a provider
    that redirects a POST is misconfigured, and following it would resend
    the credentials elsewhere)."""
    timeout = settings.SINAU_NOTIFICATION_HTTP_TIMEOUT
    try:
        response = requests.post(url, timeout=timeout, allow_redirects=False, **kwargs)
    except requests.RequestException as exc:
        raise ChannelDown(f"{type(exc).__name__}: {exc}"[:500]) from exc
    if response.status_code >= 500 or response.status_code in RETRY_STATUSES:
        raise ChannelDown(f"HTTP {response.status_code}: {response.text[:300]}")
    return response


def response_json(response: requests.Response):
    """The response body as JSON, or None when it is not JSON."""
    try:
        return response.json()
    except ValueError:
        return None

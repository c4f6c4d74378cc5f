"""One base for every refusal a person is told about, and one way to answer it.

A service that will not do what was asked raises a subclass of `Refused`
with a translated message for the person who asked (and the form field it
concerns, where there is one). Nothing has changed when it is raised. A view
answers it with `refusal_response`: the message and a redirect (the usual
answer to a button or a form that cannot be redisplayed), or the page of its
4xx status. A view that shows the message inside its own form (an import
preview, an answer form) puts `refused.message` there instead.

The subclasses keep their own names and, where code catches them by it,
their older base (`EnrollmentRefused` is a PermissionDenied, `ImportRefused`
a ValueError, `ProfileConflict` a ValidationError keyed by field)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render


class Refused(Exception):
    """What was asked is not allowed; nothing was changed.

    `message`: why, translated, for the person who asked ("" when the page
    that answers it says it all). `field`: the form field it concerns, or
    None. `status`: the HTTP status of the page that answers it (400 unless
    a subclass or the raiser says otherwise)."""

    status = 400
    field: str | None = None

    def __init__(self, message="", *, field: str | None = None, status=None):
        self.message = message
        self.field = field
        if status is not None:
            self.status = status
        super().__init__(message)


def refusal_response(
    request: HttpRequest,
    refused: Refused,
    *,
    redirect_to: str | None = None,
    template: str | None = None,
    context: dict | None = None,
) -> HttpResponse:
    """The answer to `refused`. With `redirect_to` (a URL): its message as an
    error message (Django's messages framework), then a redirect there.
    Otherwise the 4xx page: `template` (default `<status>.html`) rendered
    with `refused`, its `message` and `context`, with `refused.status`."""
    if redirect_to is not None:
        if refused.message:
            messages.error(request, refused.message)
        return HttpResponseRedirect(redirect_to)
    return render(
        request,
        template or f"{refused.status}.html",
        {"refused": refused, "message": refused.message, **(context or {})},
        status=refused.status,
    )

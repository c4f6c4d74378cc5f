"""Routes for the credential endpoints. Included by `lms/certificates/urls.py`
inside the "certificates" namespace, at the site root (before Wagtail's
catch-all)."""

from django.urls import path

from . import credential_views

urlpatterns = [
    path(".well-known/did.json", credential_views.did_document_view, name="did"),
    path("c/status/1", credential_views.status_list_view, name="status_list"),
]

"""Weight on the wire (docs/decisions/0012-weight-on-the-wire.md): HTML is gzipped for
clients that ask, except pages showing a one-time secret; static CSS is precompressed by
WhiteNoise's manifest storage and served compressed."""

import gzip

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from whitenoise.middleware import WhiteNoiseMiddleware

from lms.accounts.services import password_link_create
from tests.factories import UserFactory
from tests.factories.cohorts import cohort_with, provisioned_member

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate"}


def test_html_is_gzipped_for_clients_that_ask(client, home):
    response = client.get("/", **GZIP)
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    html = gzip.decompress(response.content).decode()
    assert html.startswith("<!DOCTYPE html>")
    # Django pads each gzip response with up to 100 random bytes (BREACH
    # mitigation); without them, the page compresses to under half.
    assert len(response.content) - 100 < len(html) / 2


def test_html_is_plain_for_clients_that_do_not_ask(client, home):
    response = client.get("/")
    assert not response.has_header("Content-Encoding")
    assert response.content.decode().startswith("<!DOCTYPE html>")


def test_a_page_with_a_one_time_link_is_not_compressed(client, home):
    person = provisioned_member(cohort_with(code="kompresi"))
    path = password_link_create(
        user=person, created_by=UserFactory(is_superuser=True, is_staff=True)
    )
    response = client.get(path, **GZIP)
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert response["Cache-Control"] == "private, no-store"


def test_production_static_css_is_precompressed_and_served_gzipped(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        },
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    css = next(tmp_path.glob("css/sinau.*.css"))
    packed = css.with_name(css.name + ".gz")
    assert packed.stat().st_size < css.stat().st_size / 2
    serve = WhiteNoiseMiddleware(lambda request: None)
    request = RequestFactory().get(f"/static/css/{css.name}", **GZIP)
    response = serve(request)
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert int(response["Content-Length"]) == packed.stat().st_size
    assert "max-age=315360000" in response["Cache-Control"]

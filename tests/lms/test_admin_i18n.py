"""The admin in Bahasa Indonesia (docs/decisions/0014-admin-in-indonesian.md): every
string Wagtail, Django or Sinau shows a trainer or a manager on the admin screens they
use has an Indonesian translation, and the recorder that measures it does see
English."""

import io

import pytest
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from content.models import PracticeProduct
from content.services import site_ensure
from courses.seed import course_index_ensure
from lms.accounts.roles import MEDIA_COLLECTION
from lms.admin_i18n import (
    Msg,
    Screen,
    admin_screens,
    admin_untranslated,
    msgid_shown,
    untranslated_recording,
)
from tests.factories.assessments import question, quiz_in
from tests.factories.courses import course_tree, lessons_of

pytestmark = pytest.mark.django_db


def _po(found: dict) -> str:
    """The missing messages as .po entries, to paste and translate."""
    from lms.management.commands.admin_untranslated import _po_entry

    return "".join(_po_entry(m) for m in sorted(set().union(*found.values())))


@pytest.fixture
def admin_world(db):
    """A course with lessons and a quiz, an image, a document and a practice
    product: everything the listed screens show."""
    course_index_ensure(home=site_ensure())
    course = course_tree(modules=1, lessons=3)
    quiz_in(course, [question("single"), question("essay")])
    collection = Collection.objects.get(name=MEDIA_COLLECTION)
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 8), (200, 120, 40)).save(buffer, "PNG")
    get_image_model().objects.create(
        title="Gula aren",
        file=ImageFile(io.BytesIO(buffer.getvalue()), name="gula.png"),
        collection=collection,
    )
    get_document_model().objects.create(
        title="Lembar kerja",
        file=SimpleUploadedFile("lembar.txt", b"isi"),
        collection=collection,
    )
    PracticeProduct.objects.create(
        name="Gula aren",
        slug="gula-aren",
        price=15000,
        producer="Bu Sri",
        story="Manis",
    )
    return course


def test_the_listed_admin_screens_have_no_english_for_a_trainer(admin_world, a_trainer):
    screens = admin_screens()
    assert len(screens) >= 45
    found = admin_untranslated(user=a_trainer, screens=screens)
    assert found == {}, _po(found)


def test_the_listed_admin_screens_have_no_english_for_a_manager(admin_world, a_manager):
    found = admin_untranslated(user=a_manager, screens=admin_screens())
    assert found == {}, _po(found)


def test_the_slug_error_after_a_clash_is_in_indonesian(admin_world, a_trainer, client):
    first, second, _third = lessons_of(admin_world)
    client.force_login(a_trainer)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[second.pk]),
        {"title": second.title, "slug": first.slug, "body-count": "0"},
    )
    text = response.content.decode()
    assert f"Slug &#x27;{first.slug}&#x27; sudah dipakai" in text
    assert "is already in use" not in text


def test_the_recorder_reports_a_string_with_no_indonesian(admin_world, a_trainer):
    screen = Screen("explorer", reverse("wagtailadmin_explore", args=[admin_world.pk]))
    with translation.override("id"), untranslated_recording() as recorder:
        assert gettext("Pages") == "Halaman"
        gettext("An English sentence no catalogue has")
    assert Msg(msgid="An English sentence no catalogue has") in recorder.missing
    assert Msg(msgid="Pages") not in recorder.missing
    assert admin_untranslated(user=a_trainer, screens=[screen]) == {}


def test_a_message_counts_only_when_its_text_is_on_the_screen():
    assert msgid_shown(
        "Sort by '%(label)s' in ascending order.", "by 'Judul' in ascending order."
    )
    assert not msgid_shown("Reading time", "Waktu baca")
    assert not msgid_shown("%(count)s", "12")


def test_page_search_names_what_it_counts(admin_world, a_trainer, client):
    client.force_login(a_trainer)
    response = client.get(reverse("wagtailadmin_pages:search") + "?q=Pelajaran")
    text = response.content.decode()
    assert "None" not in text.replace("w-scrollbar-thin None", "")
    assert "dari 3 halaman" in text

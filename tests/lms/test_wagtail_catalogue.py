"""Every message Wagtail, Django's contrib apps, allauth and taggit can show
has Indonesian: the whole English catalogue of each installed app, plurals,
placeholders and contexts included, looked up the way the admin looks it up.
No exceptions: the strings for features Sinau leaves off (workflows,
translations, API tokens) are translated too, as Wagtail still names them
in history, reports and bulk actions."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext

from content.services import site_ensure
from courses.seed import course_index_ensure
from lms.admin_i18n import Msg, catalogue_sources, catalogue_untranslated
from lms.management.commands.admin_untranslated import _po_entry
from tests.factories.courses import course_tree, lessons_of


def _po(found: list[tuple[str, Msg]]) -> str:
    """The missing messages as .po entries, to paste and translate."""
    return "".join(f"# {name}\n{_po_entry(msg)}" for name, msg in found)


def test_every_catalogue_message_has_indonesian():
    found = catalogue_untranslated(domain="django")
    assert found == [], f"{len(found)} without Indonesian:\n{_po(found)}"


def test_every_javascript_catalogue_message_has_indonesian():
    """The editor's JavaScript (block chooser, autosave, comments) and
    Django admin's read the djangojs catalogues."""
    found = catalogue_untranslated(domain="djangojs")
    assert found == [], f"{len(found)} without Indonesian:\n{_po(found)}"


def test_the_catalogues_read_include_wagtail_contrib_and_allauth():
    names = {name for name, root in catalogue_sources() if (root / "en").exists()}
    assert {"wagtail.admin", "wagtail", "wagtail.snippets", "wagtail.users"} <= names
    assert {"django", "django.contrib.admin", "allauth", "taggit"} <= names


def test_the_check_reports_english_and_passes_indonesian(tmp_path):
    english = tmp_path / "en" / "LC_MESSAGES"
    english.mkdir(parents=True)
    (english / "django.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Pages"\nmsgstr ""\n\n'
        'msgid "Alias"\nmsgstr ""\n\n'
        'msgid "An English sentence no catalogue has"\nmsgstr ""\n\n'
        'msgctxt "A tag slug"\nmsgid "Pages"\nmsgstr ""\n\n'
        'msgid "Delete 1 page"\nmsgid_plural "Delete %(counter)s pages"\n'
        'msgstr[0] ""\n\n'
        'msgid "Delete 1 thing"\nmsgid_plural "Delete %(counter)s things"\n'
        'msgstr[0] ""\n',
        encoding="utf-8",
    )
    found = catalogue_untranslated(sources=[("fake", tmp_path)])
    assert found == [
        ("fake", Msg("An English sentence no catalogue has")),
        ("fake", Msg("Delete 1 thing", plural="Delete %(counter)s things")),
        ("fake", Msg("Pages", context="A tag slug")),
    ]


@pytest.mark.parametrize(
    ("singular", "plural", "one", "three"),
    [
        (
            "There is %(counter)s match",
            "There are %(counter)s matches",
            "Ada 1 hasil yang cocok",
            "Ada 3 hasil yang cocok",
        ),
        (
            "Delete 1 page",
            "Delete %(counter)s pages",
            "Hapus 1 halaman",
            "Hapus 3 halaman",
        ),
        (
            "Move 1 page",
            "Move %(counter)s pages",
            "Pindahkan 1 halaman",
            "Pindahkan 3 halaman",
        ),
        (
            "This page has one child page",
            "This page has %(counter)s child pages",
            "Halaman ini memiliki 1 subhalaman",
            "Halaman ini memiliki 3 subhalaman",
        ),
        (
            "%(num_parent_objects)d page has been deleted",
            "%(num_parent_objects)d pages have been deleted",
            "1 halaman telah dihapus",
            "3 halaman telah dihapus",
        ),
        (
            "1 snippet type",
            "%(counter)s snippet types",
            "1 jenis potongan",
            "3 jenis potongan",
        ),
        (
            "One other user is currently viewing",
            "%(num_user)s other users are currently viewing",
            "1 pengguna lain sedang melihat",
            "3 pengguna lain sedang melihat",
        ),
    ],
)
def test_plural_admin_messages_read_in_indonesian(singular, plural, one, three):
    """Wagtail passes the count to the singular too, so Indonesian's one
    form names it: "Hapus 1 halaman"."""
    with translation.override("id"):
        for n, expected in ((1, one), (3, three)):
            names = {"counter": n, "num_parent_objects": n, "num_user": n}
            assert ngettext(singular, plural, n) % names == expected


def test_wagtail_words_stay_as_the_admin_menu_has_them():
    with translation.override("id"):
        assert gettext("Snippets") == "Potongan"
        assert gettext("Tags") == "Tag"


@pytest.fixture
def lessons(db):
    course_index_ensure(home=site_ensure())
    return lessons_of(course_tree(modules=1, lessons=3))


def test_the_page_chooser_search_counts_in_indonesian(lessons, a_trainer, client):
    client.force_login(a_trainer)
    client.cookies["django_language"] = "id"
    response = client.get(
        reverse("wagtailadmin_choose_page_search"),
        {"q": lessons[0].title},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "hasil yang cocok" in text
    assert "There is" not in text
    assert "There are" not in text


def test_bulk_delete_of_one_page_asks_in_indonesian(lessons, admin_client):
    client = admin_client
    client.cookies["django_language"] = "id"
    url = reverse(
        "wagtail_bulk_action",
        kwargs={"app_label": "wagtailcore", "model_name": "page", "action": "delete"},
    )
    response = client.get(f"{url}?id={lessons[0].pk}")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Hapus 1 halaman" in text
    assert "Delete 1 page" not in text

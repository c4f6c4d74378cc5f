"""Saving a module for offline (assessments/offline/saving.py): the
"Simpan untuk offline" page, the manifest the phone downloads, who may ask
for them, and what the manifest lists and weighs."""

import gzip
import re

import pytest
from django.contrib import messages
from django.contrib.auth.models import Group
from django.contrib.messages.storage.cookie import CookieStorage
from django.urls import reverse
from wagtail.models import PageViewRestriction

from assessments.offline.saving import IMAGE_MAX_BYTES, gzip_size
from courses.models import ModulePage
from courses.services import enrollment_create, enrollment_withdraw
from lms.accounts.selectors import offline_user_key
from tests.factories import trainee
from tests.factories.courses import LessonPageFactory, lessons_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def module(course):
    return ModulePage.objects.child_of(course).get()


def page_url(module):
    return reverse("assessments:offline_module", args=[module.pk])


def manifest_url(module):
    return reverse("assessments:offline_manifest", args=[module.pk])


def manifest(client, module) -> dict:
    response = client.get(manifest_url(module))
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


# Who may ask --------------------------------------------------------------


def test_the_page_lists_the_module_for_an_enrolee(client_in, course, module, quiz):
    response = client_in.get(page_url(module))
    assert response.status_code == 200
    html = response.content.decode()
    lesson = lessons_of(course)[0]
    assert html.index(lesson.url) < html.index(quiz.url)  # outline order
    button = re.search(r"<button [^>]*data-offline-save=[^>]*>", html).group(0)
    assert " hidden" in button
    assert f'data-manifest="{manifest_url(module)}"' in button
    assert 'type="button"' in button
    assert f'href="{reverse("assessments:offline_saved")}"' in html
    assert "4 questions" in html or "4 soal" in html
    assert (
        "no-store" in response["Cache-Control"]
        or "max-age=0" in (response["Cache-Control"])
    )


def test_the_page_shows_the_size_in_indonesian(client_in, module, quiz):
    client_in.cookies["django_language"] = "id"
    response = client_in.get(page_url(module), HTTP_ACCEPT_LANGUAGE="id")
    html = response.content.decode()
    size = re.search(r"Unduhan: sekitar ([\d.,]+)\xa0(KB|MB)", html)
    assert size is not None, html
    # Indonesian numbers: a decimal comma.
    assert "." not in size.group(1)


def test_the_anonymous_are_sent_to_log_in_and_the_manifest_says_401(client, module):
    response = client.get(page_url(module))
    assert response.status_code == 302
    assert "/masuk/" in response["Location"] or "login" in response["Location"]
    refused = client.get(manifest_url(module))
    assert refused.status_code == 401
    assert refused.json()["message"]


def test_someone_not_enrolled_is_asked_to_enrol(client, course, module):
    client.force_login(trainee())
    response = client.get(page_url(module))
    assert response.status_code == 302
    assert response["Location"] == module.url
    refused = client.get(manifest_url(module))
    assert refused.status_code == 403
    assert refused.json()["message"]


def test_a_withdrawn_trainee_may_not_save(client_in, learner, course, module):
    enrollment_withdraw(user=learner, course=course)
    assert client_in.get(page_url(module)).status_code == 302
    refused = client_in.get(manifest_url(module))
    assert refused.status_code == 403


def test_an_unpublished_module_is_not_found(client_in, module):
    module.unpublish()
    assert client_in.get(page_url(module)).status_code == 404
    refused = client_in.get(manifest_url(module))
    assert refused.status_code == 404
    assert refused["Content-Type"] == "application/json"
    assert client_in.get(manifest_url(module).replace(str(module.pk), "999999")).json()


def test_a_module_restricted_to_a_group_refuses_others(client_in, module):
    restriction = PageViewRestriction.objects.create(
        page=module, restriction_type="groups"
    )
    restriction.groups.add(Group.objects.create(name="Desa lain"))
    assert client_in.get(page_url(module)).status_code == 403
    refused = client_in.get(manifest_url(module))
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/json"


def test_another_trainee_gets_their_own_key_and_nothing_of_the_first(
    client, client_in, learner, course, module
):
    mine = manifest(client_in, module)
    other = trainee()
    enrollment_create(user=other, course=course)
    client.force_login(other)
    theirs = manifest(client, module)
    assert mine["user"] == offline_user_key(user=learner)
    assert theirs["user"] == offline_user_key(user=other)
    assert mine["user"] != theirs["user"]


def test_a_trainee_of_another_course_may_not_save_this_module(client, module):
    from tests.factories.courses import course_tree

    other = trainee()
    enrollment_create(user=other, course=course_tree(modules=1, lessons=1))
    client.force_login(other)
    assert client.get(manifest_url(module)).status_code == 403


def test_rendering_for_the_manifest_uses_up_no_message(client_in, module):
    """The lessons are rendered as the trainee sees them, through a copy of
    the request: a message waiting for the trainee's next page stays."""
    client_in.get(page_url(module))  # a first render fills the caches
    response = client_in.get(reverse("assessments:offline_saved"))
    request = response.wsgi_request
    storage = CookieStorage(request)
    storage.add(messages.INFO, "Pesan untuk nanti")
    storage.update(response)
    client_in.cookies.update(response.cookies)
    manifest(client_in, module)
    page = client_in.get(reverse("assessments:offline_saved"))
    assert "Pesan untuk nanti" in page.content.decode()


# What it lists ------------------------------------------------------------


def test_the_manifest_lists_the_course_page_lessons_quizzes_and_shell(
    client_in, course, module, quiz
):
    second = LessonPageFactory(parent=module)
    quiz.get_parent()  # the quiz was added after the first lesson
    data = manifest(client_in, module)
    urls = [f["url"] for f in data["urls"]]
    lessons = lessons_of(course)
    assert urls[0] == course.url
    assert urls[1:] == [lessons[0].url, second.url]
    assert data["module"] == module.pk
    assert data["title"] == module.title
    assert data["url"] == f"{course.url}#module-{module.pk}"
    assert data["quizzes"] == [
        {
            "quiz": quiz.pk,
            "title": quiz.title,
            "page": quiz.url,
            "package": reverse("assessments:offline_package", args=[quiz.pk]),
            "questions": 4,
            "bytes": data["quizzes"][0]["bytes"],
        }
    ]
    shell = [f["url"] for f in data["shell"]]
    assert "/static/css/sinau.css" in shell
    assert "/static/img/favicon.svg" in shell
    assert reverse("assessments:offline_saved") in shell
    assert data["bytes"] == sum(
        f["bytes"] for f in data["urls"] + data["shell"] + data["quizzes"]
    )
    assert all(f["bytes"] > 0 for f in data["urls"] + data["shell"])


def test_the_manifest_leaves_out_unpublished_and_password_lessons(
    client_in, course, module
):
    hidden = LessonPageFactory(parent=module)
    hidden.unpublish()
    locked = LessonPageFactory(parent=module)
    PageViewRestriction.objects.create(
        page=locked,
        restriction_type="password",
        password="rahasia",
    )
    urls = [f["url"] for f in manifest(client_in, module)["urls"]]
    assert hidden.url not in urls
    assert locked.url not in urls
    assert lessons_of(course)[0].url in urls


def test_the_manifest_lists_no_staff_or_admin_url(client_in, module, quiz):
    data = manifest(client_in, module)
    every = [f["url"] for f in data["urls"] + data["shell"]] + [
        url for q in data["quizzes"] for url in (q["page"], q["package"])
    ]
    staff = ("/admin", "/django-admin", "/penilaian", "/kelompok", "/staf")
    assert every
    assert not [u for u in every if u.startswith(staff)]
    assert all(u.startswith("/") and not u.startswith("//") for u in every)


def test_a_lesson_weighs_what_its_page_weighs_gzipped(client_in, course, module):
    lesson = lessons_of(course)[0]
    listed = {f["url"]: f["bytes"] for f in manifest(client_in, module)["urls"]}
    served = gzip_size(client_in.get(lesson.url).content)
    # The same page; only the CSRF token differs from one render to the next.
    assert abs(listed[lesson.url] - served) <= 40


def _photo(tmp_path):
    import wagtail_factories

    return wagtail_factories.ImageFactory(
        title="Gula aren", file__width=1200, file__height=800
    )


def test_an_image_is_saved_once_in_its_smallest_width_and_answers_for_the_rest(
    client_in, module, settings, tmp_path
):
    """The lesson's srcset offers two widths: the phone downloads the
    smaller and keeps it under the other width's URL too, so the browser
    finds the image offline whichever width it picks. (This test image is
    tiny: its offline copy is no smaller, so it is not used.)"""
    from wagtail.images.models import Rendition

    from assessments.offline import saving

    settings.MEDIA_ROOT = str(tmp_path)
    image = _photo(tmp_path)
    lesson = LessonPageFactory(
        parent=module,
        body=[
            {"type": "paragraph", "value": "<p>Foto.</p>"},
            {"type": "image", "value": {"image": image.pk, "alt": "Gula aren"}},
        ],
    )
    data = manifest(client_in, module)
    renditions = {
        r.url: r.file.size
        for r in Rendition.objects.filter(image=image)
        if r.filter_spec != saving.OFFLINE_IMAGE_FILTER  # not smaller here
    }
    assert len(renditions) == 2  # width-360 and width-720, as the lesson's srcset
    small, large = sorted(renditions, key=renditions.get)
    images = [f for f in data["urls"] if f["url"] in renditions]
    assert images == [{"url": small, "bytes": renditions[small], "also": [large]}]
    assert renditions[small] <= IMAGE_MAX_BYTES
    html = client_in.get(lesson.url).content.decode()
    assert small in html
    assert large in html


def test_an_image_over_the_limit_is_listed_and_reported(
    client_in, module, settings, tmp_path, monkeypatch, caplog
):
    from wagtail.images.models import Rendition

    from assessments.offline import saving

    settings.MEDIA_ROOT = str(tmp_path)
    image = _photo(tmp_path)
    LessonPageFactory(
        parent=module,
        body=[{"type": "image", "value": {"image": image.pk, "alt": "Gula aren"}}],
    )
    client_in.get(page_url(module))  # renders the lesson: makes the renditions
    smallest = min(Rendition.objects.filter(image=image), key=lambda r: r.file.size)
    monkeypatch.setattr(saving, "IMAGE_MAX_BYTES", smallest.file.size - 1)
    urls = [f["url"] for f in manifest(client_in, module)["urls"]]
    assert smallest.url in urls
    assert f"image {smallest.url} is {smallest.file.size} bytes" in caplog.text


# Queries ------------------------------------------------------------------


def _warm_queries(client, module, django_assert_max_num_queries) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    manifest(client, module)  # the pages' renders are cached per revision
    with CaptureQueriesContext(connection) as queries:
        manifest(client, module)
    return len(queries)


def test_the_manifest_costs_the_same_queries_for_one_lesson_or_five(
    client_in, module, quiz, django_assert_max_num_queries
):
    one = _warm_queries(client_in, module, django_assert_max_num_queries)
    for _ in range(4):
        LessonPageFactory(parent=module)
    five = _warm_queries(client_in, module, django_assert_max_num_queries)
    assert one == five
    with django_assert_max_num_queries(12):
        manifest(client_in, module)


def test_a_published_change_to_a_lesson_is_weighed_again(client_in, course, module):
    lesson = lessons_of(course)[0]
    before = {f["url"]: f["bytes"] for f in manifest(client_in, module)["urls"]}
    lesson.body = [{"type": "paragraph", "value": "<p>" + "Gula aren. " * 400 + "</p>"}]
    lesson.save_revision().publish()
    after = {f["url"]: f["bytes"] for f in manifest(client_in, module)["urls"]}
    assert after[lesson.url] > before[lesson.url]


def test_gzip_size_is_the_gzipped_length():
    content = b"Sinau " * 1000
    assert gzip_size(content) == len(gzip.compress(content, 6, mtime=0))
    assert gzip_size(content) < len(content)


# Links -------------------------------------------------------------------


def test_the_course_outline_links_each_module_to_its_save_page_for_enrolees(
    client, client_in, course, module
):
    link = f'href="{page_url(module)}"'
    assert link in client_in.get(course.url).content.decode()
    client.force_login(trainee())  # not enrolled: the same course page
    assert link not in client.get(course.url).content.decode()


def test_a_lesson_links_its_module_to_the_save_page_for_enrolees(
    client, client_in, course, module
):
    lesson = lessons_of(course)[0]
    link = f'href="{page_url(module)}"'
    assert link in client_in.get(lesson.url).content.decode()
    client.force_login(trainee())
    assert link not in client.get(lesson.url).content.decode()


def test_a_withdrawn_trainee_sees_no_save_link(client_in, learner, course, module):
    client_in.get(course.url)  # the enrolled outline is cached first
    enrollment_withdraw(user=learner, course=course)
    assert page_url(module) not in client_in.get(course.url).content.decode()


def test_a_photo_is_saved_as_its_smaller_offline_copy(
    client_in, module, settings, tmp_path
):
    """A real photo: the phone keeps the offline copy (lower WebP quality),
    stored under both widths the lesson's srcset offers."""
    import io
    import random

    from PIL import Image as PILImage
    from wagtail.images.models import Image, Rendition

    from assessments.offline import saving

    settings.MEDIA_ROOT = str(tmp_path)
    rng = random.Random(7)  # noqa: S311 - test noise, not security
    photo = PILImage.new("RGB", (1200, 900))
    photo.putdata(
        [
            (120 + rng.randrange(60), 80 + rng.randrange(60), 40 + rng.randrange(60))
            for _ in range(1200 * 900)
        ]
    )
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=90)
    from django.core.files.images import ImageFile

    image = Image.objects.create(
        title="Gula aren", file=ImageFile(io.BytesIO(buffer.getvalue()), "gula.jpg")
    )
    LessonPageFactory(
        parent=module,
        body=[{"type": "image", "value": {"image": image.pk, "alt": "Gula aren"}}],
    )
    data = manifest(client_in, module)
    page_widths = {
        r.url: r.file.size
        for r in Rendition.objects.filter(image=image)
        if r.filter_spec != saving.OFFLINE_IMAGE_FILTER
    }
    (entry,) = [f for f in data["urls"] if "webpquality" in f["url"]]
    assert sorted(entry["also"]) == sorted(page_widths)
    assert entry["bytes"] < min(page_widths.values())

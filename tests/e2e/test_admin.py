"""The admin as trainers and managers meet it, at 360 px with axe on every
page (docs/decisions/0013-course-media-collections.md to
0017-no-third-party-requests.md): no third-party requests, Indonesian labels, images
uploaded from a lesson's image block, new lessons before the closing quiz, and the essay
queue reachable from the site."""

import re
from urllib.parse import urlsplit

import pytest
from PIL import Image as PILImage
from playwright.sync_api import Page, expect
from wagtail.models import Page as WagtailPage

from content.services import site_ensure
from courses.models import LessonPage, ModulePage
from courses.seed import course_index_ensure
from courses.services import enrollment_create, lesson_complete
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, program_manager, trainee, trainer
from tests.factories.assessments import question, quiz_in
from tests.factories.courses import course_tree, lessons_of


@pytest.fixture
def course():
    """A course whose module ends with a quiz; and the media collections that
    migrations make (the live server's database was emptied)."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import Collection

    from lms.accounts.roles import role_collections_sync

    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    role_collections_sync(group_model=Group, permission_model=Permission)
    course_index_ensure(home=site_ensure())
    course = course_tree(title="Jualan Gula Aren", modules=1, lessons=2)
    quiz_in(course, [question("single"), question("essay")], title="Kuis penutup")
    return course


def _fits(page: Page) -> None:
    """Nothing wider than the 360 px viewport."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} is {width}px wide"


def _settled(page: Page) -> None:
    """Wait for the chooser modal's fade-in to end (axe measures colours)."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('.modal')].every("
        "m => getComputedStyle(m).opacity === '1')"
    )
    page.wait_for_function(
        "() => document.getAnimations().every(a => a.playState !== 'running')"
    )


def _admin_login(page: Page, user) -> None:
    log_in(page, user.phone, PASSWORD)
    page.goto("/admin/")
    page.axe.check("dashboard")


def test_admin_dashboard_and_page_editor_ask_only_the_live_server(
    page: Page, live_server, course
):
    """No avatar service, no release feed, no CDN
    (docs/decisions/0017-no-third-party-requests.md)."""
    user = trainer(phone="+6281234567802")
    lesson = lessons_of(course)[0]
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    _admin_login(page, user)
    page.goto(f"/admin/pages/{lesson.pk}/edit/")
    page.axe.check("lesson editor")
    page.wait_for_load_state("networkidle")
    ours = urlsplit(live_server.url).netloc
    foreign = [
        url
        for url in requests
        if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).netloc != ours
    ]
    assert requests, "no requests were recorded"
    assert foreign == []


def _png(path) -> str:
    PILImage.new("RGB", (40, 30), (200, 120, 40)).save(path, "PNG")
    return str(path)


def test_trainer_uploads_an_image_from_a_lesson_image_block_with_alt_text(
    page: Page, course, tmp_path
):
    """docs/decisions/0013-course-media-collections.md: the image block's chooser
    uploads into the trainers' collection, and the lesson keeps the alt text."""
    from wagtail.images import get_image_model
    from wagtail.models import Collection

    from lms.accounts.roles import MEDIA_COLLECTION

    user = trainer(phone="+6281234567802")
    lesson = lessons_of(course)[0]
    _admin_login(page, user)
    page.goto(f"/admin/pages/{lesson.pk}/edit/")
    page.axe.check("lesson editor")
    page.get_by_role("button", name="Sisipkan blok").last.click()
    page.get_by_role("option", name="Gambar").first.click()
    page.get_by_role("button", name=re.compile("Pilih gambar", re.I)).last.click()
    modal = page.locator(".modal-dialog, [role=dialog]").last
    expect(modal).to_be_visible()
    _settled(page)
    page.axe.check("image chooser")
    modal.get_by_role("tab", name=re.compile("Unggah", re.I)).click()
    modal.locator("input[type=file]").set_input_files(_png(tmp_path / "gula.png"))
    title = modal.locator("input[name$=title]").first
    expect(title).to_have_value("gula")  # Wagtail fills it from the file name
    title.fill("Gula aren cetak")
    page.axe.check("image chooser upload")
    modal.get_by_role("button", name=re.compile("Unggah", re.I)).last.click()
    expect(modal).to_be_hidden()
    page.get_by_label(re.compile("Teks alternatif")).last.fill(
        "Gula aren cetak di atas daun pisang"
    )
    page.get_by_role("button", name="Simpan konsep").first.click()
    expect(page.locator(".messages, [role=status]").first).to_contain_text("diperbarui")
    _settled(page)
    page.axe.check("lesson saved")
    image = get_image_model().objects.get(title="Gula aren cetak")
    sinau = Collection.objects.get(name=MEDIA_COLLECTION)
    assert image.collection == sinau or image.collection.is_descendant_of(sinau)
    body = LessonPage.objects.get(pk=lesson.pk).get_latest_revision_as_object().body
    images = [b.value for b in body if b.block_type == "image"]
    assert [(v["image"].pk, v["alt"]) for v in images] == [
        (image.pk, "Gula aren cetak di atas daun pisang")
    ]


def test_the_admin_speaks_indonesian_to_a_trainer(page: Page, course):
    """docs/decisions/0014-admin-in-indonesian.md: the labels a trainer meets first are
    Indonesian."""
    user = trainer(phone="+6281234567802")
    lesson = lessons_of(course)[0]
    _admin_login(page, user)
    page.goto(f"/admin/pages/{lesson.pk}/edit/")
    page.axe.check("lesson editor")
    expect(page.get_by_role("button", name="Simpan konsep").first).to_be_visible()
    text = page.locator("body").inner_text()
    for english in ("Save draft", "Toggle sidebar", "Reading time", "Comments"):
        assert english not in text
    page.goto("/admin/pages/search/?q=Pelajaran")
    page.axe.check("page search")
    text = page.locator("body").inner_text()
    assert "None" not in text
    assert "halaman" in text
    page.goto("/admin/images/")
    page.axe.check("images")
    assert "You haven't uploaded any images." not in page.locator("body").inner_text()


def test_a_new_lesson_lands_before_the_closing_quiz_and_the_order_can_be_sorted(
    page: Page, course
):
    """docs/decisions/0015-lessons-before-quiz.md, through the admin's own add-page
    form."""
    user = trainer(phone="+6281234567802")
    module = ModulePage.objects.child_of(course).get()
    _admin_login(page, user)
    page.goto(f"/admin/pages/{module.pk}/add_subpage/")
    page.axe.check("choose page type")
    page.get_by_role("link", name=re.compile("^Pelajaran")).first.click()
    page.axe.check("new lesson")
    page.locator("#id_title").press_sequentially("Foto produk dari HP")
    page.locator("#id_title").blur()  # Wagtail fills the slug from the title
    page.get_by_role("tab", name="Promosikan").click()
    expect(page.locator("#id_slug")).to_have_value("foto-produk-dari-hp")
    page.get_by_role("tab", name="Konten").click()
    page.get_by_role("button", name="Simpan konsep").first.click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/"))
    _settled(page)
    page.axe.check("lesson created")
    titles = [p.title for p in WagtailPage.objects.child_of(module).order_by("path")]
    assert titles[-2:] == ["Foto produk dari HP", "Kuis penutup"]
    page.goto(f"/admin/pages/{module.pk}/?ordering=ord")
    page.axe.check("sort menu order")
    rows = page.locator("table.listing tbody tr")
    expect(rows.nth(-2)).to_contain_text("Foto produk dari HP")
    expect(rows.nth(-1)).to_contain_text("Kuis penutup")
    # Reorder by keyboard: focus the lesson's handle, Down, Enter.
    handle = rows.nth(-2).get_by_role("button", name=re.compile("^Seret"))
    handle.focus()
    page.keyboard.press("ArrowDown")
    with page.expect_response(re.compile(r"/set_position/")) as moved:
        page.keyboard.press("Enter")
    assert moved.value.ok
    titles = [p.title for p in WagtailPage.objects.child_of(module).order_by("path")]
    assert titles[-2:] == ["Kuis penutup", "Foto produk dari HP"]


def test_trainer_finds_marks_and_edits_essays_at_360px(page: Page, course):
    """docs/decisions/0016-marking-queue.md: the queue is linked from the site, fits the
    phone, and a marked essay can be changed from the "marked" tab."""
    from assessments.demo import attempt_take
    from assessments.models import QuizPage

    learner = trainee(display_name="Siti Peserta")
    enrollment_create(user=learner, course=course)
    lesson_complete(user=learner, lesson=lessons_of(course)[0])
    quiz = QuizPage.objects.get(title="Kuis penutup")
    attempt_take(user=learner, quiz=quiz, right=True)
    user = trainer(phone="+6281234567802", display_name="Bu Pelatih")
    log_in(page, user.phone, PASSWORD)
    page.get_by_role("link", name="Penilaian").first.click()
    page.axe.check("queue")
    _fits(page)
    page.get_by_role("link", name=re.compile("^Nilai")).first.click()
    page.axe.check("mark form")
    _fits(page)
    page.get_by_label(re.compile("^Poin")).fill("1")
    page.get_by_role("button", name="Simpan nilai").click()
    page.axe.check("queue after marking")
    page.get_by_role("link", name="Sudah dinilai").click()
    page.axe.check("marked tab")
    _fits(page)
    expect(page.locator(".mark-card").first).to_contain_text("Siti Peserta")
    page.get_by_role("link", name=re.compile("^Ubah nilai")).first.click()
    page.axe.check("edit mark")
    expect(page.get_by_label(re.compile("^Poin"))).to_have_value("1")


def test_manager_is_told_who_may_mark(page: Page, course):
    from assessments.demo import attempt_take
    from assessments.models import QuizPage

    learner = trainee()
    enrollment_create(user=learner, course=course)
    lesson_complete(user=learner, lesson=lessons_of(course)[0])
    attempt_take(user=learner, quiz=QuizPage.objects.get(), right=True)
    trainer(display_name="Bu Pelatih")
    manager = program_manager(phone="+6281234567803")
    log_in(page, manager.phone, PASSWORD)
    page.get_by_role("link", name="Penilaian").first.click()
    page.axe.check("queue for a manager")
    _fits(page)
    expect(page.locator("main")).to_contain_text("Bu Pelatih")
    expect(page.locator("main")).not_to_contain_text("Tidak ada yang perlu dinilai")

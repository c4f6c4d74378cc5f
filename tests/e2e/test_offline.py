"""Offline learning in a real browser (issue 22), 360 px, axe on every page,
pages served by the service worker included: a trainee saves a module,
reads its lessons, marks them done and answers its quiz with the context
offline, and one page load back online sends it all once, graded by the
server. A second trainee on the same phone never sees the first one's saved
pages, and staff pages are never cached.

Service workers need no sleeps here: every wait is on a condition
(`navigator.serviceWorker.ready`, a text on the page, the queue's size)."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from assessments.models import Attempt, SyncItem
from courses.models import LessonCompletion
from courses.services import enrollment_create
from tests.e2e.conftest import Axe, checked_page, log_in
from tests.factories import PASSWORD, trainee, trainer
from tests.factories.assessments import question, quiz_in
from tests.factories.courses import course_tree, lessons_of

PHONE_A, PHONE_B = "081234567890", "081234567891"

QUEUE_SIZE = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("sinau-offline", 1);
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const count = open.result.transaction("queue").objectStore("queue").count();
    count.onsuccess = () => { open.result.close(); resolve(count.result); };
  };
})"""

DRAFT_ANSWERS = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("sinau-offline", 1);
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const all = open.result.transaction("drafts").objectStore("drafts").getAll();
    all.onsuccess = () => {
      open.result.close();
      resolve(all.result.map(d => (d.fields || []).length));
    };
  };
})"""

CACHED_URLS = """async () => {
  const out = {};
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    out[name] = (await cache.keys()).map(r => new URL(r.url).pathname);
  }
  return out;
}"""


@pytest.fixture
def offline_course():
    a = trainee(phone="+6281234567890")
    b = trainee(phone="+6281234567891")
    course = course_tree(title="Jualan Gula Aren", modules=1, lessons=3)
    quiz = quiz_in(
        course,
        [question("single"), question("true_false"), question("single")],
        title="Kuis Gula Aren",
    )
    for person in (a, b):
        enrollment_create(user=person, course=course)
    return a, b, course, quiz


def _ready(page: Page) -> None:
    assert page.evaluate("() => navigator.serviceWorker.ready.then(r => !!r.active)")


def _save_module(page: Page, course, *, label: str, seen: list | None = None) -> int:
    """From the course page, save its first module; the bytes the page
    counted (bodies as stored). `seen` (requests) is emptied just before
    the save starts."""
    page.goto(course.url)
    _ready(page)
    page.axe.check(f"course, {label}")
    page.get_by_role("link", name=re.compile("^Simpan untuk offline")).first.click()
    page.wait_for_url(re.compile(r"/luring/modul/\d+/$"))
    expect(page.get_by_text(re.compile("Akan mengunduh sekitar"))).to_be_visible()
    page.axe.check(f"save page, {label}")
    if seen is not None:
        seen.clear()
    page.get_by_role("button", name=re.compile("^Simpan untuk offline")).click()
    expect(page.get_by_text(re.compile("^Tersimpan di HP ini"))).to_be_visible(
        timeout=30_000
    )
    page.axe.check(f"saved, {label}")
    return int(page.locator("[data-offline-bytes]").get_attribute("data-offline-bytes"))


def _sum_bytes(requests: list) -> tuple[int, int]:
    """(bodies, headers) that came over the network: answers the service
    worker gave from its caches count -1 and are left out."""
    bodies = headers = 0
    for request in requests:
        sizes = request.sizes()
        if sizes["responseBodySize"] >= 0:
            bodies += sizes["responseBodySize"]
            headers += sizes["responseHeadersSize"]
    return bodies, headers


def test_learn_offline_then_sync_once(page, offline_course, capsys):
    a, _b, course, quiz = offline_course
    lessons = lessons_of(course)
    log_in(page, PHONE_A, PASSWORD)

    seen: list = []
    page.context.on("requestfinished", lambda request: seen.append(request))
    stored = _save_module(page, course, label="first", seen=seen)
    first = _sum_bytes(seen)
    attempt = Attempt.objects.get(user=a, quiz=quiz)
    assert attempt.status == "downloaded"

    # Remove it ("Hapus" on /luring/), then save again with the shell cached.
    page.goto("/luring/")
    page.axe.check("saved list")
    page.get_by_role("button", name=re.compile("^Hapus")).click()
    expect(page.get_by_text("Belum ada yang tersimpan di HP ini.")).to_be_visible()
    stored_again = _save_module(page, course, label="again", seen=seen)
    again = _sum_bytes(seen)
    with capsys.disabled():
        print(
            f"\noffline save, network bytes (bodies + headers): first {first},"
            f" again {again}; stored {stored}, again {stored_again}"
        )
    # "Hapus" gave the first package back (it held no answer); the second
    # save made a new one.
    assert not Attempt.objects.filter(pk=attempt.pk).exists()
    attempt = Attempt.objects.get(user=a, quiz=quiz)
    assert attempt.status == "downloaded"

    # Online, the quiz's page is the server's; the saved package stays
    # behind it for offline.
    page.goto(quiz.url)
    page.axe.check("quiz page, online")
    expect(page.locator("form[data-offline-attempt]")).to_have_count(0)

    page.context.set_offline(True)
    for number, lesson in enumerate(lessons, start=1):
        page.goto(lesson.url)
        page.axe.check(f"lesson {number}, offline")
        expect(page.get_by_role("heading", level=1, name=lesson.title)).to_be_visible()
        page.get_by_role("button", name=re.compile("Tandai selesai")).click()
        expect(
            page.get_by_text("Selesai di HP ini. Akan dikirim saat Anda online.")
        ).to_be_visible()
        page.axe.check(f"lesson {number} done on the phone")
        expect(page.locator("#offline-status")).to_have_text(
            f"{number} menunggu dikirim dari HP ini"
        )

    page.goto(quiz.url)
    page.axe.check("quiz package, offline")
    page.get_by_label("Satu (benar)").first.check()
    page.get_by_label("Benar", exact=True).check()
    page.get_by_label("Dua").last.check()
    # The draft survives closing the page: reload keeps the answers.
    page.wait_for_function(f"({DRAFT_ANSWERS})().then(n => n[0] === 3)")
    page.reload()
    page.axe.check("quiz package, reloaded offline")
    expect(page.get_by_label("Satu (benar)").first).to_be_checked()
    expect(page.get_by_label("Benar", exact=True)).to_be_checked()
    page.get_by_role("button", name="Kumpulkan jawaban saya").click()
    expect(
        page.get_by_text(
            "Jawaban Anda tersimpan di HP ini. Akan dikirim saat Anda online."
        )
    ).to_be_visible()
    page.axe.check("quiz queued on the phone")
    assert page.evaluate(QUEUE_SIZE) == 4
    assert LessonCompletion.objects.filter(user=a).count() == 0
    # Logging out now would lose the queue: the page asks first.
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    with page.expect_event("dialog"):
        page.get_by_role("button", name="Keluar akun").click()
    expect(page.get_by_role("button", name="Keluar akun")).to_be_visible()
    assert asked == [
        "Ada pekerjaan di HP ini yang belum terkirim. Jika Anda keluar sekarang,"
        " pekerjaan itu akan hilang. Tetap keluar?"
    ]
    assert page.evaluate(QUEUE_SIZE) == 4
    attempt.refresh_from_db()
    assert attempt.status == "downloaded"
    context = page.context
    page.close()

    # Back online: a new page load sends the queue once.
    context.set_offline(False)
    online = context.new_page()
    online.axe = Axe(online)
    online.goto("/luring/")
    expect(online.locator("#offline-status")).to_contain_text("Terakhir terkirim")
    online.wait_for_function(f"({QUEUE_SIZE})().then(n => n === 0)")
    online.axe.check("after sync")
    for lesson in lessons:
        assert LessonCompletion.objects.filter(user=a, lesson=lesson).count() == 1
    attempt.refresh_from_db()
    assert Attempt.objects.filter(user=a, quiz=quiz).count() == 1
    assert attempt.status == "graded"
    assert (attempt.score, attempt.max_score) == (2, 3)
    # The package, answered and sent, is no longer on the phone; the
    # lessons are.
    cached = [url for urls in online.evaluate(CACHED_URLS).values() for url in urls]
    assert f"/kuis/percobaan/{attempt.pk}/luring/" not in cached
    assert quiz.url not in cached
    assert all(lesson.url in cached for lesson in lessons)
    # A second load (another sync attempt) changes nothing.
    online.reload()
    online.axe.check("after sync, reloaded")
    assert LessonCompletion.objects.filter(user=a).count() == 3
    assert Attempt.objects.filter(user=a, quiz=quiz).count() == 1
    online.close()


def test_the_next_trainee_on_the_phone_sees_nothing_saved(page, offline_course):
    _a, _b, course, _quiz = offline_course
    lesson = lessons_of(course)[0]
    log_in(page, PHONE_A, PASSWORD)
    _save_module(page, course, label="trainee A")
    cached = page.evaluate(CACHED_URLS)
    assert any(lesson.url in urls for urls in cached.values())

    page.get_by_role("button", name="Keluar akun").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/")
    page.axe.check("signed out")
    assert [name for name in page.evaluate("caches.keys()") if "user" in name] == []

    log_in(page, PHONE_B, PASSWORD)
    _ready(page)
    page.context.set_offline(True)
    page.goto(lesson.url)
    page.axe.check("B offline, lesson A saved")
    expect(
        page.get_by_role("heading", level=1, name="Anda sedang offline")
    ).to_be_visible()
    expect(page.get_by_text("Belum ada yang tersimpan di HP ini.")).to_be_visible()
    assert not any(lesson.url in urls for urls in page.evaluate(CACHED_URLS).values())


def test_staff_pages_are_never_cached(page, offline_course):
    _a, _b, course, _quiz = offline_course
    staff = trainer(phone="+6281234567892")
    enrollment_create(user=staff, course=course)
    log_in(page, "081234567892", PASSWORD)
    _save_module(page, course, label="staff")
    for url in ("/angkatan/", "/penilaian/"):
        page.goto(url)
        page.axe.check(f"staff page {url}")
    page.goto("/admin/")
    page.axe.check("admin")
    cached = page.evaluate(CACHED_URLS)
    everything = [url for urls in cached.values() for url in urls]
    assert everything, "the module was saved"
    assert not [u for u in everything if re.match(r"/(admin|angkatan|penilaian)/", u)]
    page.goto("/angkatan/")
    page.axe.check("staff page before going offline")
    page.context.set_offline(True)
    page.goto("/angkatan/")
    page.axe.check("staff page offline")
    expect(
        page.get_by_role("heading", level=1, name="Anda sedang offline")
    ).to_be_visible()


def test_a_session_ended_without_logout_does_not_hand_over_saved_pages(
    page, offline_course
):
    """The first trainee's session simply ends (no sign-out, so nothing is
    cleared): their saved pages stay on the phone, under their key, and the
    next trainee offline still gets none of them."""
    _a, _b, course, _quiz = offline_course
    lesson = lessons_of(course)[0]
    log_in(page, PHONE_A, PASSWORD)
    _save_module(page, course, label="trainee A")
    page.context.clear_cookies()
    log_in(page, PHONE_B, PASSWORD)
    _ready(page)
    names = page.evaluate("caches.keys()")
    assert len([name for name in names if name.startswith("sinau-user-")]) == 1
    page.context.set_offline(True)
    page.goto(lesson.url)
    page.axe.check("B offline, A's lesson still on the phone")
    expect(
        page.get_by_role("heading", level=1, name="Anda sedang offline")
    ).to_be_visible()
    expect(page.get_by_text("Belum ada yang tersimpan di HP ini.")).to_be_visible()
    expect(page.get_by_text(lesson.title)).to_have_count(0)


def test_a_quiz_sent_first_elsewhere_is_shown_not_counted_on_the_phone(
    page, browser, live_server, offline_course
):
    """The phone's answers wait offline while the same attempt is submitted
    online on another device: back online, the phone sends them, they are
    kept as "not counted" (the first submission counts), and the trainee is
    shown so on the phone. Nothing is silently dropped."""
    a, _b, course, quiz = offline_course
    log_in(page, PHONE_A, PASSWORD)
    _save_module(page, course, label="phone")
    attempt = Attempt.objects.get(user=a, quiz=quiz)
    page.context.set_offline(True)
    page.goto(quiz.url)
    page.axe.check("package on the phone, offline")
    page.get_by_label("Satu (benar)").first.check()
    page.get_by_label("Benar", exact=True).check()
    page.get_by_label("Satu (benar)").last.check()
    page.get_by_role("button", name="Kumpulkan jawaban saya").click()
    expect(
        page.get_by_text(re.compile("^Jawaban Anda tersimpan di HP ini"))
    ).to_be_visible()
    page.axe.check("queued on the phone")

    with checked_page(browser, live_server.url, service_workers="block") as other:
        log_in(other, PHONE_A, PASSWORD)
        other.goto(f"/kuis/percobaan/{attempt.pk}/luring/")
        other.axe.check("package on another device, online")
        other.get_by_label("Dua").first.check()
        other.get_by_role("button", name="Kumpulkan jawaban saya").click()
        other.wait_for_url(re.compile(r"/hasil/"))
        other.axe.check("result on the other device")
    attempt.refresh_from_db()
    first_score = attempt.score
    assert attempt.status == "graded"

    page.context.set_offline(False)
    page.goto("/")
    page.axe.check("home, back online")
    status = page.locator("#offline-status")
    expect(status).to_contain_text("Terakhir terkirim")
    status.get_by_role("link", name="Lihat yang terkirim").click()
    page.wait_for_url(re.compile(r"/luring/$"))
    page.axe.check("what was sent")
    expect(page.get_by_text("Tidak dihitung")).to_be_visible()
    expect(
        page.get_by_text(re.compile("sudah dikumpulkan lebih dulu di tempat lain"))
    ).to_be_visible()
    attempt.refresh_from_db()
    assert (attempt.status, attempt.score) == ("graded", first_score)
    # The other device's submission counted; the phone's is kept, not counted.
    outcomes = SyncItem.objects.filter(user=a, kind="attempt_submit")
    assert sorted(outcomes.values_list("outcome", flat=True)) == [
        "counted",
        "not_counted",
    ]

"""The issue's size budget for saving a module (issue 22, "Budgets"): a
module of 3 lessons and 1 quiz of 20 questions downloads at most 150 KB on
the first save, at most 60 KB when the shell is already on the phone, and
the quiz package page is at most 40 KB gzipped.

It counts bytes, not time, so it is a plain test: the bytes are the
manifest's (every lesson and the course page rendered for the trainee and
gzipped, the images' rendition files, the shell's static files gzipped
from disk) plus the package page the phone fetches, gzipped. The lessons
are as heavy as Sinau's (about 6.5 KB gzipped each, the issue says); a
second test gives each a photo."""

import random

import pytest
from django.urls import reverse

from assessments.offline.saving import (
    PACKAGE_BASE_BYTES,
    PACKAGE_QUESTION_BYTES,
    gzip_size,
)
from courses.models import ModulePage
from courses.services import enrollment_create
from tests.factories import trainee
from tests.factories.assessments import question, quiz_in
from tests.factories.courses import LessonPageFactory, course_tree

pytestmark = pytest.mark.django_db

KB = 1024
FIRST_SAVE = 150 * KB
SHELL_CACHED = 60 * KB
PACKAGE = 40 * KB

WORDS = (
    "gula aren semut petani desa pasar harga jual beli pembeli penjual produk "
    "kemasan label foto cahaya latar meja kain daun pisang toko online pesan "
    "balas cepat ramah sopan ongkos kirim kurir alamat nomor rekening transfer "
    "bukti catat buku kas modal untung rugi stok gudang panen musim hujan "
    "kemarau kualitas rasa manis legit wangi asli murni tanpa campuran bahan "
    "pengawet sehat keluarga anak ibu bapak warga kelompok koperasi pelatihan "
    "contoh langkah pertama kedua ketiga lalu kemudian akhirnya ingat jangan "
    "selalu coba lihat tulis kirim simpan unggah akun media sosial status "
    "cerita video pendek judul deskripsi kata kunci pencarian ulasan bintang "
    "pelanggan setia promosi diskon hari besar lebaran pesanan ulang paket"
).split()


def _body(seed: int) -> list[dict]:
    """A lesson body like the seed curriculum's: headings, paragraphs, a
    list and a photo."""
    rnd = random.Random(seed)  # noqa: S311 (made-up text, not secrets)

    def sentence() -> str:
        words = [rnd.choice(WORDS) for _ in range(rnd.randint(8, 18))]
        return " ".join(words).capitalize() + "."

    blocks = []
    for part in range(4):
        blocks.append({"type": "heading", "value": f"Bagian {part + 1}"})
        for _ in range(8):
            text = " ".join(sentence() for _ in range(5))
            blocks.append({"type": "paragraph", "value": f"<p>{text}</p>"})
        items = "".join(f"<li>{sentence()}</li>" for _ in range(4))
        blocks.append({"type": "paragraph", "value": f"<ul>{items}</ul>"})
    return blocks


def _photo(seed: int):
    """A photo-like image (soft shapes, grain), 1600 x 1067, as a trainer
    uploads from a phone: compresses like a photo, unlike a flat colour."""
    import io

    import wagtail_factories
    from django.core.files.images import ImageFile
    from PIL import Image, ImageDraw, ImageFilter

    rnd = random.Random(seed)  # noqa: S311 (made-up text, not secrets)
    width, height = 1600, 1067
    picture = Image.blend(
        Image.effect_noise((width // 8, height // 8), 60)
        .convert("RGB")
        .resize((width, height), Image.BICUBIC),
        Image.linear_gradient("L").resize((width, height)).convert("RGB"),
        0.5,
    )
    draw = ImageDraw.Draw(picture)
    for _ in range(40):
        x, y, r = rnd.randrange(width), rnd.randrange(height), rnd.randrange(20, 200)
        colour = tuple(rnd.randrange(256) for _ in range(3))
        draw.ellipse((x, y, x + r, y + r), fill=colour)
    picture = Image.blend(
        picture.filter(ImageFilter.GaussianBlur(2)),
        Image.effect_noise((width, height), 12).convert("RGB"),
        0.15,
    )
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85)
    return wagtail_factories.ImageFactory(
        title=f"Foto {seed}", file=ImageFile(buffer, name=f"foto-{seed}.jpg")
    )


def _module(*, photos: bool):
    course = course_tree(modules=1, lessons=0)
    module = ModulePage.objects.child_of(course).get()
    for seed in range(3):
        body = _body(seed)
        if photos:
            photo = {"image": _photo(seed).pk, "alt": "Gula aren di pasar"}
            body.insert(3, {"type": "image", "value": photo})
        LessonPageFactory(parent=module, body=body)
    rnd = random.Random(20)  # noqa: S311 (made-up text, not secrets)
    questions = [
        question(
            "single",
            text=" ".join(rnd.choice(WORDS) for _ in range(25)).capitalize() + "?",
        )
        for _ in range(20)
    ]
    quiz = quiz_in(course, questions)
    learner = trainee()
    enrollment_create(user=learner, course=course)
    return module, quiz, learner


@pytest.fixture
def saved_module(db):
    """Three lessons of text, as heavy as Sinau's, and a 20-question quiz."""
    return _module(photos=False)


@pytest.fixture
def with_photos(settings, tmp_path):
    """The same with a photo in every lesson."""
    settings.MEDIA_ROOT = str(tmp_path)
    return _module(photos=True)


def _weigh(client, module, quiz, learner) -> dict:
    client.force_login(learner)
    data = client.get(reverse("assessments:offline_manifest", args=[module.pk])).json()
    made = client.post(reverse("assessments:offline_package", args=[quiz.pk])).json()
    package = gzip_size(client.get(made["url"]).content)
    shell = sum(f["bytes"] for f in data["shell"])
    pages = sum(f["bytes"] for f in data["urls"])
    return {
        "data": data,
        "package": package,
        "shell": shell,
        "lessons": [f for f in data["urls"] if not f["url"].startswith("/media/")][1:],
        "images": [f for f in data["urls"] if f["url"].startswith("/media/")],
        "first": shell + pages + package,
        "again": pages + package,
    }


def _say(label: str, weight: dict, capsys) -> None:
    with capsys.disabled():
        print(
            f"\nsave budget ({label}): lessons"
            f" {[f['bytes'] for f in weight['lessons']]} B gz, images"
            f" {[f['bytes'] for f in weight['images']]} B, shell {weight['shell']}"
            f" B gz, package {weight['package']} B gz (20 questions); first save"
            f" {weight['first'] / KB:.1f} KB, shell cached"
            f" {weight['again'] / KB:.1f} KB"
        )


def test_saving_a_module_of_three_lessons_and_a_quiz_fits_the_budget(
    client, saved_module, capsys
):
    weight = _weigh(client, *saved_module)
    _say("text lessons", weight, capsys)
    # The lessons are as heavy as Sinau's lessons (about 6.5 KB gzipped).
    assert len(weight["lessons"]) == 3
    assert all(f["bytes"] >= 6 * KB for f in weight["lessons"])
    assert weight["data"]["quizzes"][0]["questions"] == 20
    assert weight["package"] <= PACKAGE
    assert weight["first"] <= FIRST_SAVE
    assert weight["again"] <= SHELL_CACHED


def test_with_a_photo_in_every_lesson_the_save_still_fits(client, with_photos, capsys):
    """Each photo is saved once, as its offline copy (360 px WebP at a lower
    quality, about 10 KB for a photo), stored under both widths the page
    shows: the first save and the save with the shell cached fit."""
    weight = _weigh(client, *with_photos)
    _say("a photo per lesson", weight, capsys)
    assert len(weight["images"]) == 3
    assert all(f["bytes"] <= 100 * KB for f in weight["images"])
    assert all(len(f["also"]) == 2 for f in weight["images"])
    assert all("webpquality-40" in f["url"] for f in weight["images"])
    assert weight["first"] <= FIRST_SAVE
    assert weight["again"] <= SHELL_CACHED


def test_the_package_estimate_is_near_the_package(client, saved_module):
    """The save page's estimate for a quiz (made before any attempt is)
    is within a quarter of the real package's weight."""
    weight = _weigh(client, *saved_module)
    estimate = weight["data"]["quizzes"][0]["bytes"]
    assert estimate == PACKAGE_BASE_BYTES + 20 * PACKAGE_QUESTION_BYTES
    assert abs(estimate - weight["package"]) <= weight["package"] / 4

"""A practical task from brief to certificate, in two browsers at 360 px: a
trainee (phone login) reads the brief and the exemplars, sends text, a
3 MB phone photo (with GPS in its EXIF) and a voice note over a throttled
400 kbps link; the page shrinks the photo to <= 200 KB before it leaves the
phone and shows both sizes. A real Celery worker transcodes the voice note.
The course's trainer assesses with the rubric in /penilaian/ (levels, a
comment from the bank, feedback), asks for a revision and releases it; the
trainee sees "Umpan balik baru", reads the feedback and sends version 2;
the trainer passes and releases it; the course completes and the worker
issues the certificate, whose signed credential carries the task as
evidence and still verifies (Sinau's verifier and openbadgeslib's); the
public verify page lists it. Every page passes axe; nothing is refused by
the CSP. A variant without JavaScript sends text + photo through the plain
multipart form."""

import io
import json
import math
import re
import struct
import wave

import pytest
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from openbadgeslib.ob3.ldp import OB3LdpVerifier
from PIL import Image
from playwright.sync_api import expect

from assessments.models import Submission, SubmissionFile
from courses.models import Enrollment
from courses.services import enrollment_create
from lms.certificates import credentials, keys
from lms.certificates.models import Certificate
from tests.assessments.test_staff_scope import course_trainer
from tests.certificates.conftest import wait_for, worker_env
from tests.e2e.conftest import checked_page, log_in
from tests.factories import PASSWORD, trainee
from tests.factories.courses import course_tree, lessons_of
from tests.factories.practice import rubric, task_in
from tests.support.worker import celery_worker

pytestmark = pytest.mark.worker

TRAINEE_PHONE = "+6281234567891"
TRAINER_PHONE = "+6281234567892"
TASK = "Daftar produk gula semut"
BRIEF = "Tulis daftar produk gula semut Batu Ampar untuk marketplace."
SENT = "Hasil kerja Anda terkirim. Pelatih akan menilainya dan Anda akan diberi tahu."
GPS = 0x8825  # the EXIF GPS IFD
KBPS_400 = 400_000 // 8  # bytes per second, as the DevTools protocol counts


@pytest.fixture
def world(site):
    """A course of one lesson and one required task (text of at least five
    words, up to two photos, a voice note; marks released by hand) with a
    two-criterion rubric (0-2 points each, pass at 60 %) and two exemplars;
    an enrolled trainee; a trainer who may edit the
    course."""
    course = course_tree(title="Jualan Gula Semut", modules=1, lessons=1)
    task = task_in(
        course,
        rubric_=rubric(),
        title=TASK,
        slug="daftar-produk",
        brief=[("paragraph", f"<p>{BRIEF}</p>")],
        accepts_voice=True,
        release_marks=True,
        required=True,
    )
    person = trainee(phone=TRAINEE_PHONE, display_name="Siti Aminah")
    enrollment_create(user=person, course=course)
    teacher = course_trainer(course)
    teacher.phone = TRAINER_PHONE
    teacher.display_name = "Bu Wulan"
    teacher.save()
    return course, task, person


def phone_photo(path):
    """A 4000x3000 JPEG of about 3 MB (a smooth picture with sensor-like
    noise) whose EXIF carries the GPS position of the trainee's house."""
    w, h = 4000, 3000
    colours = [Image.effect_noise((40, 30), 60) for _ in "RGB"]
    base = Image.merge("RGB", colours).resize((w, h), Image.Resampling.BICUBIC)
    image = Image.blend(base, Image.effect_noise((w, h), 24).convert("RGB"), 0.25)
    exif = image.getexif()
    exif[0x010F] = "Xiaomi"  # Make
    gps = exif.get_ifd(GPS)
    gps.update({1: "S", 2: (6.0, 10.0, 30.0), 3: "E", 4: (106.0, 49.0, 12.0)})
    image.save(path, "JPEG", quality=88, exif=exif)
    with Image.open(path) as check:  # the GPS really is in the file
        assert check.getexif().get_ifd(GPS)[1] == "S"
    assert 2_500_000 < path.stat().st_size < 4_000_000
    return path


def voice_note(path, seconds=2):
    """A short 8 kHz mono WAV: a 440 Hz tone."""
    rate = 8000
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(
            b"".join(
                struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate)))
                for i in range(rate * seconds)
            )
        )
    return path


def stored(row: SubmissionFile) -> bytes:
    with row.file.open("rb") as handle:
        return handle.read()


def network(cdp, *, offline=False, kbytes_per_second=-1, latency_ms=0):
    """The page's link (DevTools network emulation; -1: not throttled)."""
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": offline,
            "latency": latency_ms,
            "downloadThroughput": kbytes_per_second,
            "uploadThroughput": kbytes_per_second,
        },
    )


def _sent(page, label, *, timeout=15_000):
    """The page after sending: the task's history, with the message."""
    expect(page.get_by_text(SENT)).to_be_visible(timeout=timeout)
    assert page.url.endswith("/daftar-produk/#riwayat")
    page.axe.check(
        label, checked_by="test_task_from_brief_to_certificate_with_evidence"
    )


def _assess(page, *, levels, bank=None, feedback, decision):
    """On the assess page: a level per criterion (their titles), a comment
    from the bank, the feedback and the decision; then save."""
    for criterion, level in levels.items():
        group = page.get_by_role("group", name=criterion)
        group.get_by_role("radio", name=re.compile(f"^{level} ")).check()
    if bank:
        criterion, line = bank
        group = page.get_by_role("group", name=criterion)
        group.get_by_label("Pilih dari bank komentar").select_option(line)
        expect(group.get_by_role("textbox")).to_have_value(line)  # comment_bank.js
    page.get_by_label("Umpan balik keseluruhan untuk peserta").fill(feedback)
    page.get_by_role("radio", name=decision).check()
    page.get_by_role("button", name="Simpan penilaian").click()
    page.axe.check("marking queue after assessing")
    expect(
        page.get_by_text("Penilaian disimpan. Peserta melihatnya setelah dirilis.")
    ).to_be_visible()


def _release(page):
    page.get_by_role("link", name="Tugas belum dirilis").click()
    page.axe.check("assessments to release")
    expect(page.get_by_role("checkbox", name=re.compile("Siti Aminah"))).to_be_checked()
    page.get_by_role("button", name="Rilis penilaian yang dipilih").click()
    page.axe.check("after releasing")
    expect(page.get_by_text("1 penilaian dirilis ke pesertanya.")).to_be_visible()


def test_task_from_brief_to_certificate_with_evidence(
    page, browser, live_server, media, public_url, world, tmp_path
):
    course, task, person = world
    photo = phone_photo(tmp_path / "IMG_20260301_101500.jpg")
    voice = voice_note(tmp_path / "rekaman.wav")
    with celery_worker(worker_env(media, SINAU_PUBLIC_URL=public_url)) as log:
        # -- the trainee reads the brief and the exemplars ---------------------
        log_in(page, "081234567891", PASSWORD)
        page.goto(lessons_of(course)[0].url)
        page.axe.check("lesson")
        page.get_by_role("button", name="Tandai selesai").click()
        page.axe.check("lesson done")
        page.get_by_role(
            "link", name=re.compile(f"^Berikutnya\\W+{TASK}")
        ).first.click()
        page.axe.check("task page")
        expect(page.get_by_role("heading", level=1, name=TASK)).to_be_visible()
        expect(page.get_by_text(BRIEF)).to_be_visible()
        expect(page.get_by_role("heading", name="Contoh", exact=True)).to_be_visible()
        expect(
            page.get_by_role("heading", name=re.compile("^Contoh baik"))
        ).to_be_visible()
        expect(
            page.get_by_role("heading", name=re.compile("^Contoh lemah"))
        ).to_be_visible()
        expect(page.get_by_text("Gula semut asli.")).to_be_visible()

        # -- ... and sends text, a 3 MB photo and a voice note over 400 kbps ---
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        network(cdp, kbytes_per_second=KBPS_400, latency_ms=300)  # slow mobile
        page.get_by_label("Jawaban Anda").fill(
            "Gula semut asli Batu Ampar, manis legit, 250 gram. Pesan sekarang!"
        )
        page.get_by_label("Foto", exact=True).set_input_files(photo)
        sizes = page.locator("[data-task-photo-sizes] li")
        expect(sizes).to_have_text(
            re.compile(r"^IMG_20260301_101500\.jpg: [23],\d MB → \d+ KB$")
        )
        chosen = page.evaluate(
            "() => Array.from(document.querySelector('[data-task-photos]').files,"
            " f => ({name: f.name, size: f.size, type: f.type}))"
        )
        assert len(chosen) == 1
        assert chosen[0]["size"] <= 200 * 1024
        assert chosen[0]["type"] in ("image/webp", "image/jpeg")
        shown_kb = int(re.search(r"→ (\d+) KB", sizes.inner_text())[1])
        assert shown_kb == max(1, round(chosen[0]["size"] / 1024))
        page.get_by_label("Pesan suara").set_input_files(voice)
        with page.expect_request(lambda r: "/kirim/" in r.url) as sent:
            page.get_by_role("button", name="Kirim hasil kerja saya").click()
        expect(page.locator("[data-task-status]")).to_have_text("Mengirim…")
        _sent(page, "task page after sending", timeout=60_000)
        # What went over the wire: the multipart body's length, as sent:
        # text + a <= 200 KB photo + a 32 KB voice note, and the form's parts.
        uploaded = int(sent.value.all_headers()["content-length"])
        assert photo.stat().st_size > 2_500_000
        assert 32_000 < uploaded < 200 * 1024 + 40 * 1024
        expect(page.get_by_text("Menunggu penilaian.")).to_be_visible()

        first = Submission.objects.get(user=person)
        assert (first.number, first.status) == (1, "waiting")
        photo_row = first.files.get(kind="photo")
        # Re-encoded by the server (quality 80, baseline): about what the
        # script sent, which is what the 200 KB budget is about (above).
        assert photo_row.size <= 240 * 1024
        assert (photo_row.width, photo_row.height) == (1600, 1200)
        with Image.open(io.BytesIO(stored(photo_row))) as kept:
            assert kept.format == "JPEG"
            assert dict(kept.getexif()) == {}
            assert "exif" not in kept.info
        assert settings.PRIVATE_MEDIA_ROOT in photo_row.file.path
        voice_row = wait_for(
            lambda: first.files.filter(kind="voice", ready=True).first(),
            log=log,
            what="the worker to transcode the voice note",
        )
        assert voice_row.content_type == "audio/ogg"
        assert voice_row.file.name.endswith(".ogg")
        ogg = stored(voice_row)
        assert ogg[:4] == b"OggS"
        assert b"OpusHead" in ogg[:100]
        assert voice_row.duration_seconds == 2
        network(cdp)

        # -- the trainer asks for a revision and releases it -------------------
        with checked_page(browser, live_server.url) as staff:
            log_in(staff, "081234567892", PASSWORD)
            staff.goto("/penilaian/")
            staff.axe.check("marking queue")
            staff.get_by_role("link", name=f"Nilai Siti Aminah, {TASK}").click()
            staff.axe.check("assess page")
            expect(
                staff.get_by_text("Gula semut asli Batu Ampar, manis")
            ).to_be_visible()
            shown = staff.get_by_role("img", name="Foto 1 dari Siti Aminah")
            expect(shown).to_be_visible()
            assert shown.evaluate("img => img.naturalWidth") == 1600
            audio = staff.request.get(staff.locator("audio").get_attribute("src"))
            assert audio.status == 200
            assert audio.headers["content-type"] == "audio/ogg"
            assert audio.body() == ogg
            _assess(
                staff,
                levels={"Judul jelas": "Jelas", "CTA jelas": "Tidak ada CTA"},
                bank=("CTA jelas", "Perbaiki cta jelas."),
                feedback="Judulnya bagus. Tambahkan ajakan membeli yang jelas.",
                decision="Perlu revisi",
            )
            first.refresh_from_db()
            assert first.status == "waiting"  # not released yet
            _release(staff)
            first.refresh_from_db()
            assert first.status == "revision"

            # -- the trainee sees the feedback and sends version 2 ---------------
            page.get_by_role("link", name="Belajarku").first.click()
            page.axe.check("my learning with new feedback")
            notice = page.get_by_role("region", name="Umpan balik baru")
            notice.get_by_role("link", name=f"Umpan balik baru untuk {TASK}").click()
            page.axe.check("task page with the feedback")
            history = page.get_by_role("region", name=re.compile("^Versi 1"))
            expect(history.get_by_text("Perlu revisi").first).to_be_visible()
            expect(history.get_by_text("Perbaiki cta jelas.")).to_be_visible()
            expect(history.get_by_text("Tambahkan ajakan membeli")).to_be_visible()
            page.get_by_label("Jawaban Anda").fill(
                "Gula semut asli Batu Ampar, 250 gram. Klik beli sekarang!"
            )
            network(cdp, offline=True)  # the signal drops as they send
            page.get_by_role("button", name="Kirim hasil kerja saya").click()
            expect(page.locator("[data-task-status]")).to_have_text(
                re.compile("^Gagal terkirim: sambungan internet terputus.")
            )
            page.axe.check("task page, not sent")
            assert Submission.objects.filter(user=person).count() == 1
            network(cdp)
            page.get_by_role("button", name="Kirim lagi").click()
            _sent(page, "task page after version 2")
            expect(
                page.get_by_role("region", name=re.compile("^Versi 2"))
            ).to_be_visible()
            assert Enrollment.objects.get(user=person).completed_at is None

            # -- the trainer passes version 2 and releases it ------------------
            staff.goto("/penilaian/")
            staff.axe.check("marking queue with version 2")
            staff.get_by_role("link", name=f"Nilai Siti Aminah, {TASK}").click()
            staff.axe.check("assess page of version 2")
            expect(
                staff.get_by_text(re.compile("^Versi 1, dikumpulkan"))
            ).to_be_visible()
            _assess(
                staff,
                levels={"Judul jelas": "Jelas", "CTA jelas": "CTA jelas"},
                feedback="Sekarang ajakannya jelas. Lulus!",
                decision=re.compile("^Sesuai rubrik"),
            )
            _release(staff)

        certificate = wait_for(
            lambda: Certificate.objects.filter(status="issued").first(),
            log=log,
            what="the worker to issue the certificate",
        )
    assert Enrollment.objects.get(user=person).completed_at is not None

    # -- the trainee sees the pass; the credential carries the evidence -------
    page.get_by_role("link", name="Belajarku").first.click()
    page.axe.check("my learning with the pass and the certificate")
    expect(page.locator("#sertifikatku").get_by_text(certificate.code)).to_be_visible()
    notice = page.get_by_role("region", name="Umpan balik baru")
    expect(notice.get_by_role("listitem")).to_have_text(
        f"Umpan balik baru untuk {TASK} · Lulus"
    )
    notice.get_by_role("link", name=f"Umpan balik baru untuk {TASK}").click()
    page.axe.check("task page passed")
    expect(page.get_by_role("region", name=re.compile("^Versi 2"))).to_contain_text(
        "Sekarang ajakannya jelas. Lulus!"
    )
    expect(
        page.get_by_text(
            "Hasil kerja Anda sudah lulus: tidak ada lagi yang perlu dikirim."
        )
    ).to_be_visible()
    signed = json.loads((media / certificate.credential.name).read_text("utf-8"))
    assert [(e["name"], e["description"]) for e in signed["evidence"]] == [
        (TASK, "Lulus, 4/4 (100 %)")
    ]
    assert credentials.credential_verify(signed).verdict == "VALID"
    pem = keys.issuer_key().public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    parsed = OB3LdpVerifier(pubkey_pem=pem).verify(json.dumps(signed))
    assert [(e.name, e.description) for e in parsed.evidence] == [
        (TASK, "Lulus, 4/4 (100 %)")
    ]

    page.goto(f"/c/{certificate.uuid}/")
    page.axe.check("verify page with evidence")
    evidence = page.get_by_role("region", name="Bukti praktik")
    card = evidence.locator(f"#tugas-{task.pk}")
    expect(card.get_by_role("heading", name=TASK)).to_be_visible()
    expect(card).to_contain_text("4/4 poin (100 %)")
    expect(card).to_contain_text("Dinilai dengan rubrik oleh Pelatih")
    expect(page.get_by_text("Gula semut asli Batu Ampar")).to_have_count(0)


@pytest.mark.parametrize("javascript", [False])
def test_task_sent_without_javascript(page, media, world, tmp_path):
    """The plain multipart form: the photo travels whole and the server
    re-encodes it without its EXIF."""
    _course, task, person = world
    photo = phone_photo(tmp_path / "IMG_20260302_090000.jpg")
    checked_by = "test_task_from_brief_to_certificate_with_evidence"
    log_in(page, "081234567891", PASSWORD)
    page.goto(task.url)
    page.axe.check("task page", checked_by=checked_by)
    expect(page.get_by_text(BRIEF)).to_be_visible()
    page.get_by_label("Jawaban Anda").fill("Gula semut asli Batu Ampar, manis legit.")
    page.get_by_label("Foto", exact=True).set_input_files(photo)
    with page.expect_request(lambda r: "/kirim/" in r.url) as sent:
        page.get_by_role("button", name="Kirim hasil kerja saya").click()
    _sent(page, "task page after sending")
    expect(page.get_by_text("Menunggu penilaian.")).to_be_visible()
    # The whole phone photo went up: only the server made it small.
    assert int(sent.value.all_headers()["content-length"]) > photo.stat().st_size
    row = SubmissionFile.objects.get(submission__user=person, kind="photo")
    assert (row.width, row.height) == (1600, 1200)
    with Image.open(io.BytesIO(stored(row))) as kept:
        assert dict(kept.getexif()) == {}
    assert Submission.objects.get(user=person).text == (
        "Gula semut asli Batu Ampar, manis legit."
    )

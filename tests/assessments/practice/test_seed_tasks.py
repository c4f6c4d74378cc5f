"""The seed curriculum's practical tasks (content/seed/tasks/): one
required task per course with its rubric and two scored exemplars, checked
by the schema before anything is written, loaded once however often
`load_initial_data` runs; the demo trainee sees them and the demo trainer
has a submission waiting."""

import shutil
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command

from assessments.models import Rubric, Submission, TaskExemplar, TaskPage
from assessments.practice.selectors import submissions_assessable_by
from content.seed.schema import SeedError, load_seed, rubric_passes
from courses.models import ModulePage
from lms.accounts.models import User

SEED = Path(settings.BASE_DIR) / "content" / "seed"


@pytest.fixture(scope="module")
def seed():
    return load_seed(SEED)


def test_every_course_has_a_required_task_with_a_rubric_and_two_exemplars(seed):
    by_course = {task["course"]: task for task in seed.tasks}
    assert set(by_course) == {course["slug"] for course in seed.courses}
    for task in seed.tasks:
        rubric = task["rubric"]
        assert task.get("required", True) is True
        assert 3 <= len(rubric["criteria"]) <= 5, task["slug"]
        for criterion in rubric["criteria"]:
            assert 3 <= len(criterion["levels"]) <= 4, criterion["title"]
            assert len(criterion["comments"]) >= 2, criterion["title"]
        qualities = {e["quality"]: e for e in task["exemplars"]}
        assert sorted(qualities) == ["good", "weak"]
        assert rubric_passes(rubric, qualities["good"]["levels"]) is True
        assert rubric_passes(rubric, qualities["weak"]["levels"]) is False


def test_photo_parts_only_where_the_task_needs_a_photo(seed):
    with_photos = {t["course"] for t in seed.tasks if "photos" in t["submit"]}
    assert {"riset-produk-harga", "copywriting", "toko-online-desa"} <= with_photos
    assert "dasar-pemasaran" not in with_photos
    assert "customer-service" not in with_photos


def _broken_copy(tmp_path, change) -> Path:
    folder = tmp_path / "seed"
    shutil.copytree(SEED, folder)
    path = folder / "tasks" / "04-copywriting.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (
            lambda d: d["exemplars"][1].update(levels=[3, 3, 3, 3]),
            "04-copywriting.yaml exemplar 2: a weak exemplar should not pass "
            "the rubric's pass rule",
        ),
        (
            lambda d: d["exemplars"][0].update(levels=[3, 3, 3]),
            "04-copywriting.yaml exemplar 1: levels need one number per "
            "criterion, each from 1 to that criterion's number of levels",
        ),
        (
            lambda d: d["submit"].update(photos={"min": 3, "max": 1}),
            "04-copywriting.yaml submit: photos min is more than max",
        ),
        (
            lambda d: d["rubric"]["criteria"][0]["levels"].reverse(),
            "04-copywriting.yaml rubric criterion 1: levels go from the lowest "
            "points up",
        ),
        (
            lambda d: d.update(module="tidak-ada"),
            "04-copywriting.yaml: unknown module 'tidak-ada' of 'copywriting'",
        ),
        (
            lambda d: d.update(course="tidak-ada"),
            "tasks: course 'copywriting' has no required task",
        ),
    ],
)
def test_the_schema_refuses_a_broken_task(tmp_path, change, error):
    with pytest.raises(SeedError) as raised:
        load_seed(_broken_copy(tmp_path, change))
    assert error in raised.value.errors


def _counts():
    return (
        TaskPage.objects.count(),
        Rubric.objects.count(),
        TaskExemplar.objects.count(),
        Submission.objects.count(),
    )


@pytest.mark.django_db
def test_load_twice_creates_the_tasks_once_and_the_demo_shows_them(settings, client):
    settings.DEBUG = True
    call_command("load_initial_data")
    first = _counts()
    call_command("load_initial_data")
    assert _counts() == first == (9, 9, 18, 4)  # 3 demo cohort trainees passed
    for task in TaskPage.objects.live():
        assert isinstance(task.get_parent().specific, ModulePage)
        assert task.rubric.criteria.count() >= 3
        assert sorted(task.exemplars.values_list("quality", flat=True)) == [
            "good",
            "weak",
        ]
    listing = TaskPage.objects.get(slug="tugas-listing-gula-aren")
    assert listing.parts() == ["text", "photos"]
    assert listing.rubric.criteria.first().comments()[0] == (
        "Judul jelas dan mudah ditemukan di pencarian."
    )
    # The demo trainee sees the task of their course, tagged as a task.
    client.force_login(User.objects.get(email="peserta@sinau.local"))
    client.cookies["django_language"] = "id"
    page = client.get("/kursus/cakap-digital/").content.decode()
    assert "Tugas Praktik: HP Hemat Kuota &amp; Kenali Pesan Penipuan" in page
    assert '<span class="tag">Tugas</span>' in page
    # The demo trainer has one text submission waiting, allocated to them.
    trainer = User.objects.get(email="pelatih@sinau.local")
    visible = submissions_assessable_by(user=trainer)
    waiting = visible.get(status=Submission.Status.WAITING)
    assert set(visible.values_list("status", flat=True)) == {"waiting", "passed"}
    assert waiting.assessor == trainer
    assert waiting.task.slug == "tugas-hp-hemat-dan-aman"
    assert waiting.text.startswith("(Tangkapan layar")
    assert waiting.user.display_name == "Agus Prasetyo"
    assert not waiting.files.exists()

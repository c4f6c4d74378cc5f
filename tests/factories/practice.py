"""Practical tasks, rubrics and submissions for tests."""

from django.utils import timezone

from assessments.models import (
    Rubric,
    RubricCriterion,
    Submission,
    TaskExemplar,
    TaskPage,
)
from courses.models import ModulePage

# Two criteria of three levels (0, 1, 2 points): a maximum of 4.
CRITERIA = (
    ("Judul jelas", ["Belum ada", "Cukup", "Jelas"]),
    ("CTA jelas", ["Tidak ada CTA", "CTA samar", "CTA jelas"]),
)


def rubric(
    title="Rubrik daftar produk", *, criteria=CRITERIA, pass_percent=60, **fields
) -> Rubric:
    """A rubric whose criterion i has levels worth 0, 1, 2... points, with
    two comments in its comment bank."""
    made = Rubric(title=title, pass_percent=pass_percent, **fields)
    for order, (name, levels) in enumerate(criteria):
        made.criteria.add(
            RubricCriterion(
                title=name,
                sort_order=order,
                levels=[
                    (
                        "level",
                        {"title": level, "points": points, "descriptor": level},
                    )
                    for points, level in enumerate(levels)
                ],
                comment_bank=f"Bagus, {name.lower()}.\nPerbaiki {name.lower()}.",
            )
        )
    made.save()
    return made


def task_in(course, *, rubric_=None, exemplars=True, **fields) -> TaskPage:
    """A published task at the end of the course's first module: text (at
    least 5 words) and up to 2 photos by default, with a good and a weak
    exemplar."""
    module = ModulePage.objects.child_of(course).order_by("path").first()
    defaults = {
        "title": "Tugas daftar produk",
        "slug": "tugas-daftar-produk",
        "text_min_words": 5,
        "photos_max": 2,
    }
    defaults.update(fields)
    task = TaskPage(rubric=rubric_ or rubric(), **defaults)
    if exemplars:
        task.exemplars.add(
            TaskExemplar(
                title="Contoh baik",
                quality="good",
                text="Gula semut asli.",
                levels="3,3",
            )
        )
        task.exemplars.add(
            TaskExemplar(
                title="Contoh lemah", quality="weak", text="Jual gula.", levels="1,1"
            )
        )
    module.add_child(instance=task)
    return task


def submission(
    task, user, *, number=None, text="Gula semut asli Batu Ampar manis.", **fields
):
    """A submission row as the service stores it (no files)."""
    number = number or Submission.objects.filter(task=task, user=user).count() + 1
    return Submission.objects.create(
        task=task,
        user=user,
        number=number,
        text=text,
        submitted_at=fields.pop("submitted_at", timezone.now()),
        **fields,
    )

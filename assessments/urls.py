from django.urls import path

import lms.common.converters  # noqa: F401  (registers <id:...>)

from . import views
from .offline import views as offline_views
from .practice import marking_views
from .practice import views as practice_views

app_name = "assessments"

urlpatterns = [
    path("aksi/kuis/<id:quiz_id>/mulai/", views.quiz_start, name="start"),
    path("kuis/percobaan/<id:attempt_id>/", views.attempt_overview, name="overview"),
    path(
        "kuis/percobaan/<id:attempt_id>/soal/<id:order>/",
        views.attempt_question,
        name="question",
    ),
    path(
        "kuis/percobaan/<id:attempt_id>/kumpulkan/",
        views.attempt_submit_view,
        name="submit",
    ),
    path("kuis/percobaan/<id:attempt_id>/hasil/", views.attempt_result, name="result"),
    path("penilaian/", views.marking_list, name="marking"),
    path("penilaian/jawaban/<id:item_id>/", views.marking_form, name="mark"),
    path("penilaian/kuis/<id:quiz_id>/statistik/", views.quiz_stats, name="stats"),
    path(
        "penilaian/luring/<id:attempt_id>/tinjau/",
        views.offline_review,
        name="offline_review",
    ),
    path(
        "penilaian/tugas/<id:submission_id>/",
        marking_views.task_assess_view,
        name="task_assess",
    ),
    path(
        "penilaian/tugas/<id:submission_id>/pindah/",
        marking_views.task_reassign_view,
        name="task_reassign",
    ),
    path(
        "penilaian/tugas/rilis/", marking_views.task_release_view, name="task_release"
    ),
]

# Practical tasks, the trainee's side (assessments/practice/views.py).
urlpatterns += [
    path(
        "aksi/tugas/<id:task_id>/kirim/",
        practice_views.task_submit,
        name="task_submit",
    ),
    path("tugas/berkas/<id:file_id>/", practice_views.task_file, name="task_file"),
    path(
        "aksi/tugas/kiriman/<id:submission_id>/portofolio/",
        practice_views.task_publish,
        name="task_publish",
    ),
]

# Offline (assessments/offline/views.py).
urlpatterns += [
    path("luring/", offline_views.saved, name="offline_saved"),
    path("luring/sinkron/", offline_views.sync, name="offline_sync"),
    path(
        "luring/modul/<id:module_id>/",
        offline_views.module_page,
        name="offline_module",
    ),
    path(
        "luring/modul/<id:module_id>/daftar.json",
        offline_views.module_manifest,
        name="offline_manifest",
    ),
    path(
        "aksi/luring/kuis/<id:quiz_id>/paket/",
        offline_views.package,
        name="offline_package",
    ),
    path(
        "kuis/percobaan/<id:attempt_id>/luring/",
        offline_views.attempt_package,
        name="offline_attempt",
    ),
    path(
        "aksi/luring/percobaan/<id:attempt_id>/lepas/",
        offline_views.release,
        name="offline_release",
    ),
    path(
        "kuis/percobaan/<id:attempt_id>/kirim-semua/",
        offline_views.submit_all,
        name="offline_submit",
    ),
]

from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("aksi/kuis/<int:quiz_id>/mulai/", views.quiz_start, name="start"),
    path("kuis/percobaan/<int:attempt_id>/", views.attempt_overview, name="overview"),
    path(
        "kuis/percobaan/<int:attempt_id>/soal/<int:order>/",
        views.attempt_question,
        name="question",
    ),
    path(
        "kuis/percobaan/<int:attempt_id>/kumpulkan/",
        views.attempt_submit_view,
        name="submit",
    ),
    path("kuis/percobaan/<int:attempt_id>/hasil/", views.attempt_result, name="result"),
    path("penilaian/", views.marking_list, name="marking"),
    path("penilaian/jawaban/<int:item_id>/", views.marking_form, name="mark"),
    path("penilaian/kuis/<int:quiz_id>/statistik/", views.quiz_stats, name="stats"),
]

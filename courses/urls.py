from django.urls import path

import lms.common.converters  # noqa: F401  (registers <id:...>)

from . import views

app_name = "courses"

urlpatterns = [
    path("belajarku/", views.my_learning_view, name="my_learning"),
    path("aksi/kursus/<id:course_id>/daftar/", views.course_enroll, name="enroll"),
    path(
        "kursus/<id:course_id>/berhenti/",
        views.course_withdraw_confirm,
        name="withdraw_confirm",
    ),
    path(
        "aksi/kursus/<id:course_id>/berhenti/", views.course_withdraw, name="withdraw"
    ),
    path(
        "aksi/pelajaran/<id:lesson_id>/selesai/", views.lesson_done, name="lesson_done"
    ),
]

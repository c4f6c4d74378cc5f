from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("belajarku/", views.my_learning_view, name="my_learning"),
    path("aksi/kursus/<int:course_id>/daftar/", views.course_enroll, name="enroll"),
    path("aksi/kursus/<int:course_id>/keluar/", views.course_withdraw, name="withdraw"),
    path(
        "aksi/pelajaran/<int:lesson_id>/selesai/", views.lesson_done, name="lesson_done"
    ),
]

from django.urls import path

import lms.common.converters  # noqa: F401  (registers <id:...>)

from . import views

app_name = "cohorts"

urlpatterns = [
    path("angkatan/", views.cohort_list, name="list"),
    path("angkatan/ekspor/", views.export_list, name="exports"),
    path(
        "angkatan/impor/templat.<str:file_format>",
        views.import_template_download,
        name="import_template",
    ),
    path(
        "angkatan/pengingat/berhenti/<str:token>/",
        views.reminder_opt_out_view,
        name="reminder_opt_out",
    ),
    path("angkatan/undangan/", views.invitation_list, name="invitations"),
    path(
        "angkatan/undangan/<id:membership_id>/terima/",
        views.invitation_accept,
        name="invitation_accept",
    ),
    path(
        "angkatan/undangan/<id:membership_id>/tolak/",
        views.invitation_decline,
        name="invitation_decline",
    ),
    path("angkatan/<id:cohort_id>/", views.cohort_dashboard, name="dashboard"),
    path("angkatan/<id:cohort_id>/impor/", views.cohort_import, name="import"),
    path(
        "angkatan/<id:cohort_id>/ekspor/",
        views.cohort_exports,
        name="cohort_exports",
    ),
    path(
        "angkatan/<id:cohort_id>/peserta/<id:user_id>/",
        views.trainee_detail,
        name="trainee",
    ),
    path(
        "angkatan/<id:cohort_id>/pengingat/",
        views.cohort_reminders,
        name="reminders",
    ),
    path(
        "angkatan/<id:cohort_id>/pengingat/tandai/",
        views.hand_mark,
        name="hand_mark",
    ),
    path(
        "angkatan/<id:cohort_id>/pengumuman/",
        views.cohort_announcements,
        name="announcements",
    ),
    path(
        "angkatan/<id:cohort_id>/peserta/<id:user_id>/ingatkan/",
        views.trainee_remind_view,
        name="trainee_remind",
    ),
    path(
        "angkatan/<id:cohort_id>/peserta/<id:user_id>/keluarkan/",
        views.member_remove,
        name="member_remove",
    ),
    path(
        "angkatan/<id:cohort_id>/tugas/<id:task_id>/kriteria/",
        views.task_heatmap,
        name="task_heatmap",
    ),
    path("angkatan/ekspor/<id:export_id>/", views.export_detail, name="export"),
    path(
        "angkatan/ekspor/<id:export_id>/unduh/",
        views.export_download,
        name="export_download",
    ),
]

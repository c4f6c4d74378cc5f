"""A person's own notifications: the list, their channel choices and the
stop link."""

from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("pesan/", views.inbox, name="inbox"),
    path("pesan/baca-semua/", views.inbox_read_all, name="read_all"),
    path("pesan/berhenti/<str:token>/", views.stop, name="stop"),
    path("akun/pesan/", views.channel_choices, name="channels"),
]

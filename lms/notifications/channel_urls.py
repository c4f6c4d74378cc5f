"""What the channels need from the web: provider webhooks (delivery
receipts, STOP replies), the push subscription endpoint, the service
worker, its offline page and the web app manifest (views in `webhooks.py`)."""

from django.urls import path

from . import webhooks

app_name = "notification_channels"
urlpatterns = [
    path("pesan/webhook/whatsapp/", webhooks.whatsapp_webhook, name="whatsapp_webhook"),
    path("pesan/webhook/sms/<str:token>/", webhooks.sms_report, name="sms_report"),
    path(
        "pesan/webhook/sms/<str:token>/balasan/", webhooks.sms_reply, name="sms_reply"
    ),
    path("pesan/push/langganan/", webhooks.push_subscription, name="push_subscription"),
    path(
        "pesan/push/langganan/hapus/",
        webhooks.push_unsubscribe,
        name="push_unsubscribe",
    ),
    path("sw.js", webhooks.service_worker, name="service_worker"),
    path("manifest.webmanifest", webhooks.manifest, name="manifest"),
    path("luring/offline/", webhooks.offline_page, name="offline_page"),
]

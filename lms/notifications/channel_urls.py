"""What the channels need from the web: provider webhooks (delivery
receipts, STOP replies), the push subscription endpoint and the service
worker."""

app_name = "notification_channels"
urlpatterns: list = []

"""A person's own notifications: the list, their channel choices and the
stop link."""

app_name = "notifications"
urlpatterns: list = []

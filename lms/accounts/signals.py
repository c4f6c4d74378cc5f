"""Signals lms.accounts sends for the layers above it to act on (it may
not import them)."""

from django.dispatch import Signal

# A trainer or manager made a one-time password link for a trainee
# (views.password_link_new). Sent with `user` (the trainee), `created_by`
# and `url` (the absolute link, shown once). lms.notifications sends it to
# the trainee (lms/notifications/receivers.py).
password_link_made = Signal()

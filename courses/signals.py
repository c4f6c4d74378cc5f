"""Hooks other apps listen to. Sent after the transaction that caused them
has committed, so listeners (the certificate task) see the data."""

from django.dispatch import Signal

# Sent once per enrollment, when the course is complete.
# kwargs: enrollment (courses.Enrollment)
course_completed = Signal()

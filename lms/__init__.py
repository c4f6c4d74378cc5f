"""Sinau: the Django project and the institution around the courses."""

from .celery import app as celery_app

__all__ = ["celery_app"]

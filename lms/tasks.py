"""Tasks that belong to the project rather than to one app."""

from celery import shared_task


@shared_task(name="lms.ping")
def ping(token: str) -> str:
    """Answer a health check from the web process. Idempotent: no side effects."""
    return f"pong:{token}"

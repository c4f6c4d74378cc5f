"""The Celery app. Workers: `celery -A lms worker`; beat: `celery -A lms beat`."""

import os
import threading

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")

app = Celery("lms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Each task run is one unit of work for public links (lms/common/addresses.py):
# a task that builds a link per person reads the recorded address once.
# Pre-run and post-run signals come in the thread that runs the task, the
# inner first when one task runs another eagerly: a stack per thread.
_units = threading.local()


def _tokens() -> list:
    if not hasattr(_units, "tokens"):
        _units.tokens = []
    return _units.tokens


@task_prerun.connect
def _links_unit_start(**_kwargs):
    # Late: this module loads before Django's apps (addresses imports models).
    from lms.common.addresses import recorded_origin_unit_start

    _tokens().append(recorded_origin_unit_start())


@task_postrun.connect
def _links_unit_end(**_kwargs):
    # Late: this module loads before Django's apps (addresses imports models).
    from lms.common.addresses import recorded_origin_unit_end

    tokens = _tokens()
    if tokens:
        recorded_origin_unit_end(tokens.pop())

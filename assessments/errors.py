"""The error every assessments service raises when it refuses a request.
Kept below the services, so the question kinds (kinds/) raise it too."""

from lms.common import errors


class Refused(errors.Refused):
    """The request is not allowed; `message` says why, for the trainee."""

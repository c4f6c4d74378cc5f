"""The error every assessments service raises when it refuses a request.
Kept below the services, so the question kinds (kinds/) raise it too."""


class Refused(Exception):
    """The request is not allowed; `message` says why, for the trainee."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)

"""What answering tests share: the responses an attempt saved, and a posted
answer form."""

from django.http import QueryDict

from assessments.models import AttemptQuestion


def saved_responses(attempt) -> list:
    """The `response` of each of the attempt's questions, in id order."""
    return list(
        AttemptQuestion.objects.filter(attempt=attempt).values_list(
            "response", flat=True
        )
    )


def posted(**fields) -> QueryDict:
    """A POST as a browser sends it; a list value is a repeated field."""
    data = QueryDict(mutable=True)
    for key, value in fields.items():
        if isinstance(value, list):
            data.setlist(key, value)
        else:
            data[key] = value
    return data

from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    """The yardstick: a view that does nothing, behind the same middleware."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), path("", include("lms.urls"))]

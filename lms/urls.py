from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

import lms.common.converters  # noqa: F401  (registers <id:...>)

from . import views
from .accounts import views as account_views

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    # Wagtail's document and page password forms, behind the password throttle.
    path(
        "documents/authenticate_with_password/<id:restriction_id>/",
        account_views.document_password,
        name="wagtaildocs_authenticate_with_password",
    ),
    path("documents/", include(wagtaildocs_urls)),
    path(
        "_util/authenticate_with_password/<id:page_view_restriction_id>/<id:page_id>/",
        account_views.page_password,
        name="wagtailcore_authenticate_with_password",
    ),
    path("akun/profil/", account_views.profile, name="account_profile"),
    path(
        "akun/tautan-sandi/",
        account_views.password_link_new,
        name="account_password_link_new",
    ),
    path(
        "akun/sandi-baru/<str:token>/",
        account_views.password_link_use,
        name="account_password_link",
    ),
    # One email address per account, changed only on the profile page, which
    # asks for the password (user_profile_update). allauth's own email page
    # (add an address, make it primary, no password) would let anyone
    # holding a signed-in phone take the account.
    path(
        "akun/email/",
        RedirectView.as_view(pattern_name="account_profile"),
        name="account_email",
    ),
    # Sign-out also clears the phone's offline data (Clear-Site-Data).
    path("akun/logout/", account_views.logout, name="account_logout"),
    path("akun/", include("allauth.urls")),
    path("bahasa/", views.language_set, name="language_set"),
    path("health/", views.health, name="health"),
    path("health/worker/", views.health_worker, name="health_worker"),
    path("", include("courses.urls")),
    path("", include("assessments.urls")),
    path("", include("lms.cohorts.urls")),
    path("", include("lms.certificates.urls")),
    path("", include("lms.notifications.urls")),
    path("", include("lms.notifications.channel_urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

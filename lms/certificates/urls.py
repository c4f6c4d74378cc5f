from django.urls import path

from . import credential_urls, views

app_name = "certificates"

urlpatterns = [
    path("c/", views.verify_code, name="verify_code"),
    path("c/<uuid:uuid>/", views.verify, name="verify"),
    path("c/<uuid:uuid>/portofolio/", views.portfolio, name="portfolio"),
    path("sertifikat/<uuid:uuid>/unduh.pdf", views.download_pdf, name="pdf"),
    path(
        "sertifikat/<uuid:uuid>/kredensial.json",
        views.download_credential,
        name="credential",
    ),
    path("akun/nama-sertifikat/", views.name_correct, name="name"),
    *credential_urls.urlpatterns,
]

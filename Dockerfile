# One image for web, worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=lms.settings.production

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 sinau

WORKDIR /app
COPY pyproject.toml README.md ./
COPY lms lms
COPY courses courses
COPY assessments assessments
COPY content content
RUN pip install .
COPY . .
RUN DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    DJANGO_ALLOWED_HOSTS=localhost SINAU_CREDENTIAL_KEY=build python manage.py collectstatic --noinput \
    && mkdir -p var/media && chown -R sinau:sinau var

USER sinau
EXPOSE 8000
CMD ["gunicorn", "lms.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]

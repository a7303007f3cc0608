# Production image: gunicorn serving the app as a non-root user.
# Migrations are a separate step, run with the owner role (see README, "Deploying").
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY requirements.lock .
RUN pip install --require-hashes -r requirements.lock

COPY . .
# collectstatic reads settings, which need a secret and a database URL; none is used.
RUN DJANGO_SECRET_KEY=collectstatic-only \
    DATABASE_URL=postgresql://build@localhost/build \
    python manage.py collectstatic --no-input

RUN useradd --create-home --uid 10001 allworkouts
USER allworkouts

EXPOSE 8000
# --preload: the app and every view are imported once, before the workers fork.
CMD ["gunicorn", "allworkouts.wsgi", "--preload", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-", "--forwarded-allow-ips", "*"]

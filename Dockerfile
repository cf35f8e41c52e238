# syntax=docker/dockerfile:1
# Stage 1: build the single-page app (its API types are generated from the committed spec).
FROM node:20-bookworm-slim AS frontend
WORKDIR /src
COPY openapi/ openapi/
COPY frontend/package.json frontend/package-lock.json frontend/
RUN cd frontend && npm ci --no-audit --no-fund
COPY frontend/ frontend/
RUN cd frontend && npm run build

# Stage 2: the API with gunicorn (gthread), serving the built app too.
FROM python:3.11-slim-bookworm AS app
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    TRIVSEL_ENV=production \
    TRIVSEL_INSTANCE_DIR=/var/lib/trivsel \
    TRIVSEL_FRONTEND_DIST=/app/frontend/dist
WORKDIR /app
COPY pyproject.toml README.md ./
COPY api/ api/
RUN pip install --no-cache-dir . \
    && useradd --system --uid 10001 --home /var/lib/trivsel --create-home trivsel
COPY --from=frontend /src/frontend/dist /app/frontend/dist
COPY gunicorn.conf.py /app/gunicorn.conf.py
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
USER trivsel
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/api/v1/health/ready', timeout=4).status == 200 else 1)"
ENTRYPOINT ["docker-entrypoint.sh"]
# gthread, WEB_CONCURRENCY workers (default 2) x GUNICORN_THREADS threads (default 8), on port 8000; refuses
# to start with several workers and RATELIMIT_STORAGE_URI=memory:// (see gunicorn.conf.py).
CMD ["gunicorn", "-c", "/app/gunicorn.conf.py"]

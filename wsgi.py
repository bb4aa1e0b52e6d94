"""WSGI entry point: `gunicorn wsgi:app` or `flask --app wsgi run`. Reads MYHEALTH_* settings."""

from myhealth import create_app

app = create_app()

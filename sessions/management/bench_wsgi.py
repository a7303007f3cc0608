"""The WSGI application of the server `manage.py bench` starts. gunicorn loads it once, before
it forks its workers (--preload): the project's application with every view imported up front,
so that no measured request pays for a worker's first imports (the Anthropic SDK alone costs
seconds)."""

from django.urls import get_resolver

from allworkouts.wsgi import application

# Django imports the URLconf, and with it every view, on the first request otherwise.
get_resolver().url_patterns  # noqa: B018

__all__ = ["application"]

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "allworkouts.settings")
application = get_wsgi_application()

# The URLconf, and with it every view, is imported here rather than by the first request each
# gunicorn worker serves (the Anthropic SDK alone takes seconds to import); with --preload,
# once in the master before it forks.
get_resolver().url_patterns  # noqa: B018

# Everything imported so far lives as long as the process: kept out of the collector's way,
# each collection in a worker is shorter, and the pages a --preload master shares with its
# workers stay shared. About 8 % more set logs per second under make bench.
gc.freeze()

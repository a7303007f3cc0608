"""Settings of the gunicorn server that `manage.py bench` starts: the project's own settings
(DEBUG off, as in production), with static files collected into the benchmark's temporary
folder. The project's staticfiles/ is left alone: a DEBUG server would serve a stale copy there
ahead of the files being edited."""

import os

from allworkouts.settings import *  # noqa: F403

STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]

"""`manage.py bench`: the load benchmark of the gym floor (issue 5).

1. Lifters: bench users, each with a plan of six exercises, a long history of finished workouts
   and one workout in progress, logged in through a web session made directly (no password
   hashing). Leftovers of an interrupted run are removed first; everything is removed at the end.
2. The app: gunicorn with the production settings on a free loopback port. Each lifter is a
   thread with its own HTTP connection that logs the planned sets of its workout as htmx
   does, reloads the workout page once halfway, then finishes the workout, starts the next one,
   opens the history and lands on the new workout. Twice: saturated (no pause: the lifters
   keep the server busy, which gives the rate to set against the ceiling), then paced (each
   lifter pauses about `--pause` seconds between requests, a gym's worth of lifters compressed
   in time, which gives the latency a lifter meets when the server is not overrun).
3. The ceiling: the SQL statements of one set log, captured from a real request through the
   Django test client, replayed with psycopg at the same concurrency on the same database, each
   iteration in its own transaction opened by the row-level security setting, as in the app.
   The app's set-log rate over its rate says how much the app adds to the database's own work.

One JSON object goes to stdout; progress goes to stderr.
"""

import http.client
import json
import logging
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from http.cookies import SimpleCookie
from importlib import import_module
from math import ceil
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.crypto import get_random_string
from psycopg.conninfo import make_conninfo

from allworkouts.rls import as_user
from allworkouts.users.models import User, UserEquipment
from allworkouts.withdb import role_url
from catalog.models import Exercise
from plans.models import WorkoutExercise, WorkoutImportLog, WorkoutPlan
from records.models import PersonalRecord
from records.services import records_recompute
from sessions import services
from sessions.models import ExerciseSession, SessionStatus, WorkoutSession

logger = logging.getLogger(__name__)

LIFTER_EMAIL_DOMAIN = "bench.allworkouts.invalid"
# Recognisable web session keys, so that an interrupted run's sessions can be found and removed.
SESSION_KEY_PREFIX = "allworkoutsbench"
PLAN_NAME = "Bench plan"
PLAN_EXERCISES = 6
SETS_PER_EXERCISE = 3
HISTORY_WORKOUTS = 12  # 12 workouts x 18 sets: 216 past sets per lifter
REQUEST_KINDS = ("set_log", "workout_page", "history_page", "start_finish")
# The paced phase: a lifter rests one to three minutes between sets, so 32 lifters pausing a
# second stand for a gym floor of a few thousand.
DEFAULT_PAUSE_SECONDS = 1.0
GOAL_P95_MS = 50
GOAL_RATIO = 0.35
REQUEST_TIMEOUT_SECONDS = 30
SERVER_START_SECONDS = 60
# Production settings, minus what needs HTTPS in front: the benchmark speaks plain HTTP.
SERVER_ENVIRONMENT = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECURE_SSL_REDIRECT": "false",
    "DJANGO_SECURE_COOKIES": "false",
    "DJANGO_HSTS_SECONDS": "0",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    "DJANGO_LOG_LEVEL": "WARNING",
    "DJANGO_SETTINGS_MODULE": "sessions.management.bench_settings",
}


# --------------------------------------------------------------------------------------------
# Lifters and their data


@dataclass
class Lifter:
    user: User
    plan_id: int
    # (workout_exercise id, exercise id) in plan order.
    slots: list[tuple[int, int]]
    session_key: str
    # The workout in progress; each thread moves its own lifter on to the next one.
    workout_id: int
    # How many workouts came before this one, the history's included: the weights go up.
    workouts: int

    def planned_sets(self) -> list[tuple[int, int, int, int]]:
        """(position, slot id, exercise id, set number) of the workout, exercise by exercise."""
        return [
            (position, slot_id, exercise_id, number)
            for position, (slot_id, exercise_id) in enumerate(self.slots)
            for number in range(1, SETS_PER_EXERCISE + 1)
        ]


def set_values(position: int, number: int, workout: int) -> tuple[int, Decimal]:
    """Reps and kg of a set of the `workout`-th workout: 2.5 kg more every fourth workout, so
    that records are set now and then, as in a real training block."""
    weight = Decimal(40 + 10 * position) + Decimal("2.5") * (workout // 4)
    return 10 - 2 * (number - 1), weight


def lifters_prepare(*, count: int, history_workouts: int = HISTORY_WORKOUTS) -> list[Lifter]:
    """Bench users with a plan, a finished history (records computed) and a workout in
    progress, each logged in through a web session."""
    lifters_remove()
    exercises = list(Exercise.objects.active().order_by("pk")[:PLAN_EXERCISES])
    if len(exercises) < PLAN_EXERCISES:
        raise CommandError(
            f"The catalog has {len(exercises)} exercises; the bench plan needs {PLAN_EXERCISES}: "
            "run manage.py load_catalog first."
        )
    session_store = import_module(settings.SESSION_ENGINE).SessionStore
    lifters = []
    for number in range(1, count + 1):
        user = User(email=f"lifter-{number:03}@{LIFTER_EMAIL_DOMAIN}")
        user.set_unusable_password()
        user.save()
        with as_user(user):
            plan = WorkoutPlan.objects.create(user=user, name=PLAN_NAME)
            slots = WorkoutExercise.objects.bulk_create(
                WorkoutExercise(
                    workout_plan=plan,
                    user=user,
                    exercise=exercise,
                    sequence=sequence,
                    sets=SETS_PER_EXERCISE,
                    reps_min=6,
                    reps_max=10,
                    rest_time_seconds=90,
                )
                for sequence, exercise in enumerate(exercises, start=1)
            )
            _history(user=user, plan=plan, slots=slots, workouts=history_workouts)
            for exercise in exercises:
                records_recompute(user=user, exercise=exercise)
            workout = services.workout_start(user=user, plan_id=plan.pk).workout
        session = session_store(session_key=SESSION_KEY_PREFIX + get_random_string(24))
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save(must_create=True)
        lifters.append(
            Lifter(
                user=user,
                plan_id=plan.pk,
                slots=[(slot.pk, slot.exercise_id) for slot in slots],
                session_key=session.session_key,
                workout_id=workout.pk,
                workouts=history_workouts,
            )
        )
    return lifters


def _history(*, user, plan, slots, workouts: int) -> None:
    """Finished workouts every other day until two days ago, every planned set logged."""
    first_day = timezone.now() - timedelta(days=2 * workouts)
    days = [first_day + timedelta(days=2 * index) for index in range(workouts)]
    finished = WorkoutSession.objects.bulk_create(
        WorkoutSession(
            user=user,
            workout_plan=plan,
            name=plan.name,
            status=SessionStatus.COMPLETED,
            finished_at=day + timedelta(hours=1),
        )
        for day in days
    )
    sets, logged_at = [], []
    for number_of_workout, (workout, day) in enumerate(zip(finished, days, strict=True)):
        for order, (position, slot, number) in enumerate(
            (position, slot, number)
            for position, slot in enumerate(slots)
            for number in range(1, SETS_PER_EXERCISE + 1)
        ):
            reps, weight = set_values(position, number, number_of_workout)
            sets.append(
                ExerciseSession(
                    workout_session=workout,
                    user=user,
                    exercise_id=slot.exercise_id,
                    workout_exercise=slot,
                    set_number=number,
                    reps=reps,
                    weight=weight,
                    rest_time_seconds=None if order == 0 else 180,
                    idempotency_key=uuid.uuid4(),
                )
            )
            logged_at.append(day + timedelta(minutes=3 * order))
    # bulk_create stamps created_at with now; the history needs its own dates.
    ExerciseSession.objects.bulk_create(sets)
    for logged, moment in zip(sets, logged_at, strict=True):
        logged.created_at = logged.updated_at = moment
    ExerciseSession.objects.bulk_update(sets, ["created_at", "updated_at"])
    for workout, day in zip(finished, days, strict=True):
        workout.created_at = day
        workout.updated_at = workout.finished_at
    WorkoutSession.objects.bulk_update(finished, ["created_at", "updated_at"])


def lifters_remove() -> int:
    """Remove every bench user with all their rows and web sessions; return how many."""
    users = list(User.objects.filter(email__endswith=f"@{LIFTER_EMAIL_DOMAIN}"))
    for user in users:
        # Children first (every foreign key is PROTECT), soft-deleted rows too (_base_manager).
        with as_user(user):
            for model in (
                PersonalRecord,
                ExerciseSession,
                WorkoutSession,
                WorkoutExercise,
                WorkoutImportLog,
                WorkoutPlan,
                UserEquipment,
            ):
                model._base_manager.filter(user=user).delete()
    User.objects.filter(pk__in=[user.pk for user in users]).delete()
    Session.objects.filter(session_key__startswith=SESSION_KEY_PREFIX).delete()
    return len(users)


def lifter_next_workout(lifter: Lifter) -> None:
    """Finish the lifter's workout (unless already over) and start the next one: the replay
    has no server to do it."""
    with as_user(lifter.user):
        with suppress(services.WorkoutNotInProgress):
            services.workout_finish(
                user=lifter.user, workout_id=lifter.workout_id, status=SessionStatus.COMPLETED
            )
        lifter.workout_id = services.workout_start(
            user=lifter.user, plan_id=lifter.plan_id
        ).workout.pk
    lifter.workouts += 1


def sets_saved(lifters: list[Lifter]) -> int:
    total = 0
    for lifter in lifters:
        with as_user(lifter.user):
            total += ExerciseSession.objects.filter(user=lifter.user).count()
    return total


# --------------------------------------------------------------------------------------------
# Measuring


@dataclass(frozen=True)
class Window:
    """Warm-up until `measure_from`, then measured until `until`; `stop` ends it early."""

    measure_from: float
    until: float
    stop: threading.Event

    @classmethod
    def starting_now(cls, *, warmup: float, seconds: float, stop: threading.Event) -> "Window":
        measure_from = time.perf_counter() + warmup
        return cls(measure_from, measure_from + seconds, stop)

    def over(self) -> bool:
        return self.stop.is_set() or time.perf_counter() >= self.until

    def pause(self, seconds: float) -> None:
        """A lifter's pause between two requests, cut short when the window ends."""
        if seconds > 0:
            self.stop.wait(min(seconds, max(self.until - time.perf_counter(), 0)))


@dataclass
class Tally:
    """One thread's latencies and errors by request type (merged at the end: no locks)."""

    window: Window
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    # Errors count in the warm-up too: a failed request is never fine.
    errors: Counter = field(default_factory=Counter)
    succeeded: Counter = field(default_factory=Counter)
    last_end: float = 0.0
    # Lifters whose thread ended before the window did (an exception, or a workout that could
    # not be started): fewer lifters than asked for were measured.
    stopped_early: int = 0

    def record(self, kind: str, started: float, ended: float, ok: bool) -> None:
        if ok:
            self.succeeded[kind] += 1
        else:
            self.errors[kind] += 1
        if self.window.measure_from <= started < self.window.until:
            self.latencies[kind].append(ended - started)
            self.last_end = max(self.last_end, ended)

    @staticmethod
    def merged(tallies: list["Tally"]) -> "Tally":
        total = Tally(window=tallies[0].window)
        for tally in tallies:
            for kind, values in tally.latencies.items():
                total.latencies[kind].extend(values)
            total.errors.update(tally.errors)
            total.succeeded.update(tally.succeeded)
            total.last_end = max(total.last_end, tally.last_end)
            total.stopped_early += tally.stopped_early
        return total

    def measured_seconds(self) -> float:
        return max(self.last_end - self.window.measure_from, 1e-9)

    def summary(self, kind: str) -> dict:
        values = sorted(self.latencies.get(kind, []))
        requests = len(values)
        return {
            "requests": requests,
            "rps": round(requests / self.measured_seconds(), 1),
            "p50_ms": _percentile_ms(values, 50),
            "p95_ms": _percentile_ms(values, 95),
            "p99_ms": _percentile_ms(values, 99),
            "errors": self.errors[kind],
        }


def _percentile_ms(ordered: list[float], percent: int) -> float | None:
    """Nearest rank."""
    if not ordered:
        return None
    return round(ordered[ceil(percent / 100 * len(ordered)) - 1] * 1000, 1)


def run_threads(target, lifters: list[Lifter], window: Window, cpu: "CpuMeter") -> Tally:
    """Run target(lifter, tally) in a thread per lifter; `cpu` is read over the measured part."""
    tallies = [Tally(window=window) for _ in lifters]

    def counting_a_crash(lifter: Lifter, tally: Tally) -> None:
        try:
            target(lifter, tally)
        except Exception:
            logger.exception("%s stopped early.", lifter.user.email)
            tally.stopped_early += 1

    threads = [
        threading.Thread(target=counting_a_crash, args=(lifter, tally), name=f"lifter-{index}")
        for index, (lifter, tally) in enumerate(zip(lifters, tallies, strict=True))
    ]
    for thread in threads:
        thread.start()
    try:
        time.sleep(max(window.measure_from - time.perf_counter(), 0))
        cpu.start()
        # Read before the threads end: a connection they close takes its backend's CPU along.
        time.sleep(max(window.until - time.perf_counter(), 0))
        cpu.stop()
        for thread in threads:
            thread.join()
    finally:
        # On Ctrl-C the lifters finish the request in hand and stop.
        window.stop.set()
        for thread in threads:
            thread.join()
    return Tally.merged(tallies)


class CpuMeter:
    """Cores kept busy while a phase is measured, by role: the whole machine, this process
    (the lifters, or the replay), the server's processes, the database's backends (when the
    database runs on this machine), and the rest: other work on the machine. Read from Linux's
    /proc; empty elsewhere."""

    def __init__(self, *, server_pid: int | None = None):
        self.server_pid = server_pid
        self.started: tuple[float, float, dict] | None = None
        self.cores: dict[str, float] = {}

    def start(self) -> None:
        self.started = (time.perf_counter(), *self._seconds())

    def stop(self) -> None:
        if self.started is None:
            return
        began, machine_before, processes_before = self.started
        elapsed = time.perf_counter() - began
        machine, processes = self._seconds()
        if elapsed <= 0 or not machine:
            return
        used = Counter(machine=machine - machine_before)
        # A process that ended meanwhile is left out; one that started counts from zero.
        for pid, (role, seconds) in processes.items():
            used[role] += seconds - processes_before.get(pid, (role, 0.0))[1]
        used["other"] = used["machine"] - sum(v for k, v in used.items() if k != "machine")
        self.cores = {role: round(seconds / elapsed, 2) for role, seconds in used.items()}

    def _seconds(self) -> tuple[float, dict[int, tuple[str, float]]]:
        """Busy CPU seconds of the machine, and {pid: (role, CPU seconds)}."""
        try:
            tick = os.sysconf("SC_CLK_TCK")
            times = [int(value) for value in Path("/proc/stat").read_text().split()[1:9]]
        except (OSError, ValueError):
            return 0.0, {}
        # All but idle and iowait.
        machine = (sum(times) - times[3] - times[4]) / tick
        roles = {os.getpid(): "bench_process"}
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            )
            roles.update((pid, "database") for (pid,) in cursor.fetchall())
        # The server's processes are found by their parent, among all processes.
        directories = [Path("/proc", str(pid)) for pid in roles]
        if self.server_pid:
            directories += [path for path in Path("/proc").iterdir() if path.name.isdigit()]
        processes = {}
        for directory in directories:
            try:
                stat = directory.joinpath("stat").read_text()
            except OSError:
                continue
            # The fields after the command name (which may hold spaces and parentheses).
            name, fields = (
                stat[stat.index("(") + 1 : stat.rindex(")")],
                stat[stat.rindex(")") + 2 :].split(),
            )
            pid, parent = int(directory.name), int(fields[1])
            role = roles.get(pid)
            if self.server_pid in (pid, parent):
                role = "app_server"
            # A database elsewhere has no process here (and its pids may be anyone's here).
            if role == "database" and name != "postgres":
                continue
            if role:
                processes[pid] = (role, (int(fields[11]) + int(fields[12])) / tick)
        return machine, processes


# --------------------------------------------------------------------------------------------
# The app under load, over HTTP


@dataclass(frozen=True)
class Answer:
    status: int
    location: str
    body: bytes


class Phone:
    """One lifter's browser: a keep-alive connection, its cookies and its CSRF token."""

    def __init__(self, base_url: str, session_key: str):
        parts = urlsplit(base_url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.connection = http.client.HTTPConnection(
            parts.hostname, parts.port, timeout=REQUEST_TIMEOUT_SECONDS
        )
        self.cookies = {settings.SESSION_COOKIE_NAME: session_key}
        self.csrf_token = ""

    def get(self, path: str) -> Answer:
        answer = self._send("GET", path, None, {})
        if token := re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', answer.body):
            self.csrf_token = token.group(1).decode()
        return answer

    def post(self, path: str, form: dict, *, htmx: bool) -> Answer:
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.origin,
            "X-CSRFToken": self.csrf_token,
        }
        if htmx:
            headers["HX-Request"] = "true"
        body = urlencode({"csrfmiddlewaretoken": self.csrf_token, **form})
        return self._send("POST", path, body, headers)

    def _send(self, method: str, path: str, body: str | None, headers: dict) -> Answer:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        try:
            self.connection.request(method, path, body, headers)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException):
            # A fresh connection for the next request.
            self.connection.close()
            raise
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.coded_value
                else:
                    self.cookies.pop(name, None)
        return Answer(response.status, response.getheader("Location", ""), content)

    def close(self) -> None:
        self.connection.close()


def timed(tally: Tally, kind: str, send, *args, **kwargs) -> Answer | None:
    started = time.perf_counter()
    try:
        answer = send(*args, **kwargs)
    except (OSError, http.client.HTTPException) as error:
        logger.warning("%s failed: %s", kind, error)
        answer = None
    ok = answer is not None and answer.status < 400
    if answer is not None and not ok:
        logger.warning("%s answered %s", kind, answer.status)
    tally.record(kind, started, time.perf_counter(), ok)
    return answer


def lift(
    base_url: str, history: str, window: Window, lifter: Lifter, tally: Tally, *, pause: float
) -> None:
    """One lifter through workout after workout until the window is over, pausing about
    `pause` seconds (from half to one and a half times, at random) after each request."""
    phone = Phone(base_url, lifter.session_key)
    jitter = random.Random(lifter.user.pk)

    def timed_then_pause(*args, **kwargs) -> Answer | None:
        answer = timed(tally, *args, **kwargs)
        window.pause(pause * jitter.uniform(0.5, 1.5))
        return answer

    try:
        # Landing on the workout page gives the CSRF token, as in a browser.
        if timed_then_pause("workout_page", phone.get, _workout_path(lifter)) is None:
            return
        planned = lifter.planned_sets()
        while not window.over():
            for logged, (position, slot_id, exercise_id, number) in enumerate(planned, start=1):
                if window.over():
                    return
                reps, weight = set_values(position, number, lifter.workouts)
                form = {
                    "reps": reps,
                    "weight": weight,
                    "set_number": number,
                    "exercise": exercise_id,
                    "idempotency_key": uuid.uuid4(),
                }
                path = reverse("workout_set_log", args=[lifter.workout_id, slot_id])
                timed_then_pause("set_log", phone.post, path, form, htmx=True)
                if logged == len(planned) // 2:
                    timed_then_pause("workout_page", phone.get, _workout_path(lifter))
            if window.over():
                return
            if not _next_workout(phone, lifter, history, timed_then_pause):
                tally.stopped_early += 1
                return
    finally:
        phone.close()


def _workout_path(lifter: Lifter) -> str:
    return reverse("workout", args=[lifter.workout_id])


def _next_workout(phone: Phone, lifter: Lifter, history: str, timed_then_pause) -> bool:
    """Finish, start the next workout, look at the history and land on the new workout."""
    finish = reverse("workout_finish", args=[lifter.workout_id])
    start = reverse("workout_start", args=[lifter.plan_id])
    finished = timed_then_pause(
        "start_finish", phone.post, finish, {"status": SessionStatus.COMPLETED}, htmx=False
    )
    started = timed_then_pause("start_finish", phone.post, start, {}, htmx=False)
    try:
        landing = resolve(urlsplit(started.location).path) if started else None
    except Resolver404:
        landing = None
    if (
        finished is None
        or landing is None
        or landing.url_name != "workout"
        or landing.kwargs["workout_id"] == lifter.workout_id
    ):
        logger.warning("%s could not start a new workout; it stops.", lifter.user.email)
        return False
    lifter.workout_id = landing.kwargs["workout_id"]
    lifter.workouts += 1
    timed_then_pause("history_page", phone.get, history)
    timed_then_pause("workout_page", phone.get, _workout_path(lifter))
    return True


def drive(
    *,
    base_url: str,
    lifters: list[Lifter],
    seconds: float,
    warmup: float,
    pause: float = 0.0,
    server_pid: int | None = None,
) -> dict:
    """The lifters against a running server, pausing about `pause` seconds between requests:
    the summary of each request type."""
    # The first reverse() imports the URLconf and every view: here, not in a measured request.
    history = reverse("workout_history")
    before = sets_saved(lifters)
    window = Window.starting_now(warmup=warmup, seconds=seconds, stop=threading.Event())
    cpu = CpuMeter(server_pid=server_pid)
    tally = run_threads(
        lambda lifter, tally: lift(base_url, history, window, lifter, tally, pause=pause),
        lifters,
        window,
        cpu,
    )
    saved = sets_saved(lifters) - before
    result = {kind: tally.summary(kind) for kind in REQUEST_KINDS}
    result["set_log"]["answered_ok"] = tally.succeeded["set_log"]
    result["set_log"]["saved"] = saved
    result["lifters_stopped_early"] = tally.stopped_early
    result["cpu_cores_busy"] = cpu.cores
    result["set_logs_per_cpu_second"] = _per_cpu_second(
        result["set_log"]["rps"], cpu.cores, ("app_server", "database")
    )
    return result


def _per_cpu_second(rate: float, cores: dict, roles: tuple[str, ...]) -> float | None:
    """Set logs per second of CPU spent by `roles`: unlike the rate, it hardly moves with what
    else runs on the machine."""
    spent = sum(cores.get(role, 0) for role in roles)
    return round(rate / spent, 1) if spent and all(role in cores for role in roles) else None


# --------------------------------------------------------------------------------------------
# The gunicorn server


@contextmanager
def gunicorn_server(*, workers: int, threads: int):
    """The app under gunicorn on a free loopback port; yields its base URL and the master's
    pid. Always stopped."""
    with tempfile.TemporaryDirectory(prefix="allworkouts-bench-static-") as static_root:
        environment = {
            **os.environ,
            **SERVER_ENVIRONMENT,
            "BENCH_STATIC_ROOT": static_root,
            # The database this process uses, where its lifters are (under pytest, the test
            # database rather than the one DATABASE_URL names).
            "DATABASE_URL": _database_url(connection.settings_dict),
        }
        manage = str(settings.BASE_DIR / "manage.py")
        subprocess.run(
            [sys.executable, manage, "collectstatic", "--no-input", "--verbosity", "0"],
            env=environment,
            check=True,
            stdout=sys.stderr,
        )
        port = _free_port()
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "allworkouts.wsgi",
            "--preload",
            # The default control socket is one path per user: another gunicorn may hold it.
            "--no-control-socket",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
        ]
        if threads > 1:
            command += ["--worker-class", "gthread", "--threads", str(threads)]
        # Its own process group, so that stopping it stops the workers too, whatever happens
        # to the master.
        server = subprocess.Popen(
            command,
            env=environment,
            cwd=settings.BASE_DIR,
            stdout=sys.stderr,
            start_new_session=True,
        )
        try:
            _wait_until_healthy(server, port)
            yield f"http://127.0.0.1:{port}", server.pid
        finally:
            _stop_group(server)


def _stop_group(server: subprocess.Popen) -> None:
    for stop, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, None)):
        with suppress(ProcessLookupError):
            os.killpg(server.pid, stop)
        try:
            server.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    # Workers outlive a master killed outright for a moment: wait until none is left.
    for _ in range(100):
        try:
            os.killpg(server.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)


def _database_url(database: dict) -> str:
    server = make_conninfo(host=database["HOST"] or None, port=database["PORT"] or None)
    return role_url(
        server, role=database["USER"], password=database["PASSWORD"], database=database["NAME"]
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_healthy(server: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CommandError(f"gunicorn exited with status {server.returncode}.")
        probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            probe.request("GET", reverse("healthz"))
            if probe.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            probe.close()
        time.sleep(0.1)
    raise CommandError(f"gunicorn did not answer /healthz within {SERVER_START_SECONDS} s.")


# --------------------------------------------------------------------------------------------
# The ceiling: one set log's statements, replayed directly


@dataclass(frozen=True)
class Varying:
    """A parameter that changes from one set log to the next (a lifter's id, the set number,
    the idempotency key...), or its text form."""

    name: str
    as_text: bool = False


class NothingInserted(Exception):
    pass


@dataclass(frozen=True)
class Statement:
    sql: str
    params: object
    # The insert of the set: the first column it returns is the set's id for what follows.
    returns_set_id: bool

    def execute(self, cursor, values: dict) -> None:
        cursor.execute(self.sql, _filled(self.params, values))
        rows = cursor.fetchall() if cursor.description else []
        if self.returns_set_id:
            if not rows:
                raise NothingInserted
            values["set_id"] = rows[0][0]


@dataclass(frozen=True)
class SetLogScript:
    """The statements of one set log: those the request runs before the row-level security
    middleware opens its transaction (the web session and the user, each on its own), then the
    transaction."""

    before_transaction: list[Statement]
    in_transaction: list[Statement]

    @property
    def statements(self) -> int:
        return len(self.before_transaction) + len(self.in_transaction)

    def run(self, database: psycopg.Connection, values: dict) -> None:
        with database.cursor() as cursor:
            for statement in self.before_transaction:
                statement.execute(cursor, values)
            with database.transaction():
                for statement in self.in_transaction:
                    statement.execute(cursor, values)


def _templated(value, varying: dict):
    if isinstance(value, list | tuple):
        return type(value)(_templated(item, varying) for item in value)
    if isinstance(value, dict):
        return {key: _templated(item, varying) for key, item in value.items()}
    for name, varying_value in varying.items():
        if type(value) is type(varying_value) and value == varying_value:
            return Varying(name)
        if type(varying_value) is int and type(value) is str and value == str(varying_value):
            return Varying(name, as_text=True)
    return value


def _filled(template, values: dict):
    if isinstance(template, Varying):
        value = values[template.name]
        return str(value) if template.as_text else value
    if isinstance(template, list | tuple):
        return type(template)(_filled(item, values) for item in template)
    if isinstance(template, dict):
        return {key: _filled(item, values) for key, item in template.items()}
    return template


def capture_set_log(lifters: list[Lifter]) -> SetLogScript:
    """Log one set through the Django test client (every middleware, the view, the service)
    and turn the statements it runs into a script with placeholders for the varying values.

    A parameter becomes a placeholder when it equals one of the varying values, so the capture
    uses a lifter and slot whose ids differ from one another, and a set number and reps that
    differ from them.
    """
    for lifter in lifters:
        for slot_id, exercise_id in lifter.slots:
            ids = {lifter.user.pk, lifter.workout_id, slot_id, exercise_id}
            if len(ids) == 4:
                return _capture(lifter, slot_id, exercise_id, ids)
    raise CommandError("No lifter has a slot whose ids differ from one another.")


def _capture(lifter: Lifter, slot_id: int, exercise_id: int, ids: set[int]) -> SetLogScript:
    set_number = next(n for n in range(services.MAX_SET_NUMBER, 0, -1) if n not in ids)
    reps = next(n for n in range(services.MAX_REPS - 1, 0, -1) if n not in ids | {set_number})
    key = uuid.uuid4()
    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies[settings.SESSION_COOKIE_NAME] = lifter.session_key
    captured = []

    def capture(execute, sql, params, many, context):
        captured.append((sql, params, many))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        response = client.post(
            reverse("workout_set_log", args=[lifter.workout_id, slot_id]),
            {
                "reps": reps,
                # Light enough to set no record: the replay's lifters keep theirs to beat.
                "weight": "0.5",
                "set_number": set_number,
                "exercise": exercise_id,
                "idempotency_key": key,
            },
            HTTP_HX_REQUEST="true",
            secure=True,
        )
    with as_user(lifter.user):
        logged = ExerciseSession.objects.filter(idempotency_key=key).first()
    if response.status_code != 200 or logged is None:
        raise CommandError(f"The captured set log failed ({response.status_code}).")
    varying = {
        "user_id": lifter.user.pk,
        "session_key": lifter.session_key,
        "workout_id": lifter.workout_id,
        "slot_id": slot_id,
        "exercise_id": exercise_id,
        "set_number": set_number,
        "reps": reps,
        "weight": logged.weight,
        "idempotency_key": key,
        "now": logged.created_at,
        "set_id": logged.pk,
    }
    numbers = [value for value in varying.values() if type(value) is int]
    if len(set(numbers)) != len(numbers):
        raise CommandError(f"Two varying values of the captured set log share a value: {varying}.")
    if any(many for _sql, _params, many in captured):
        raise CommandError("The set log ran executemany(); the replay does not know it.")
    statements = [
        Statement(
            sql=sql,
            params=(template := _templated(params, varying)),
            returns_set_id=Varying("idempotency_key") in _varying_in(template),
        )
        for sql, params, _many in captured
    ]
    opening = next((i for i, s in enumerate(statements) if "set_config(" in s.sql), None)
    if opening is None or sum(s.returns_set_id for s in statements) != 1:
        raise CommandError("The captured set log has no row-level security setting or insert.")
    for statement in statements:
        logger.info("captured: %s | %s", " ".join(statement.sql.split())[:90], statement.params)
    return SetLogScript(statements[:opening], statements[opening:])


def _varying_in(template) -> list[Varying]:
    if isinstance(template, Varying):
        return [template]
    if isinstance(template, list | tuple):
        return [role for item in template for role in _varying_in(item)]
    if isinstance(template, dict):
        return [role for item in template.values() for role in _varying_in(item)]
    return []


def replay(script: SetLogScript, window: Window, lifter: Lifter, tally: Tally) -> None:
    """One lifter's set logs, straight to the database, workout after workout."""
    database = psycopg.connect(**connections["default"].get_connection_params(), autocommit=True)
    try:
        while not window.over():
            for position, slot_id, exercise_id, number in lifter.planned_sets():
                if window.over():
                    return
                reps, weight = set_values(position, number, lifter.workouts)
                values = {
                    "user_id": lifter.user.pk,
                    "session_key": lifter.session_key,
                    "workout_id": lifter.workout_id,
                    "slot_id": slot_id,
                    "exercise_id": exercise_id,
                    "set_number": number,
                    "reps": reps,
                    "weight": weight,
                    "idempotency_key": uuid.uuid4(),
                    "now": timezone.now(),
                }
                started = time.perf_counter()
                try:
                    script.run(database, values)
                    ok = True
                except (psycopg.Error, NothingInserted) as error:
                    logger.warning("replayed set log failed: %r", error)
                    ok = False
                tally.record("set_log", started, time.perf_counter(), ok)
            # The app's lifters start a new workout here too (outside the count on both sides).
            lifter_next_workout(lifter)
    finally:
        database.close()
        connections.close_all()


def ceiling(*, lifters: list[Lifter], seconds: float, warmup: float) -> dict:
    """The set log's statements replayed by every lifter at once: their rate and latency."""
    # Every lifter starts on a fresh workout, as in the app's run (the captured set is logged
    # with a set number the replay never uses).
    for lifter in lifters:
        lifter_next_workout(lifter)
    script = capture_set_log(lifters)
    before = sets_saved(lifters)
    window = Window.starting_now(warmup=warmup, seconds=seconds, stop=threading.Event())
    cpu = CpuMeter()
    tally = run_threads(
        lambda lifter, tally: replay(script, window, lifter, tally), lifters, window, cpu
    )
    summary = tally.summary("set_log")
    return {
        "replayed_with": "psycopg, a thread and a connection per lifter",
        "transactions": summary["requests"],
        "tps": summary["rps"],
        "statements_per_set_log": script.statements,
        "p50_ms": summary["p50_ms"],
        "p95_ms": summary["p95_ms"],
        "p99_ms": summary["p99_ms"],
        "errors": summary["errors"],
        "answered_ok": tally.succeeded["set_log"],
        "saved": sets_saved(lifters) - before,
        "lifters_stopped_early": tally.stopped_early,
        "cpu_cores_busy": cpu.cores,
        "set_logs_per_cpu_second": _per_cpu_second(
            summary["rps"], cpu.cores, ("bench_process", "database")
        ),
    }


# --------------------------------------------------------------------------------------------
# The whole run


def benchmark(
    *,
    lifters: int,
    seconds: float,
    warmup: float,
    pause: float = DEFAULT_PAUSE_SECONDS,
    base_url: str | None = None,
    workers: int = 1,
    threads: int = 1,
    history_workouts: int = HISTORY_WORKOUTS,
) -> dict:
    """The report. Against `base_url` when given, else against a gunicorn started here."""
    try:
        logger.info("Preparing %s lifters...", lifters)
        people = lifters_prepare(count=lifters, history_workouts=history_workouts)
        if base_url is None:
            with gunicorn_server(workers=workers, threads=threads) as (started_url, pid):
                saturated, paced = _drive_twice(
                    base_url=started_url,
                    lifters=people,
                    seconds=seconds,
                    warmup=warmup,
                    pause=pause,
                    server_pid=pid,
                )
            server = {"gunicorn_workers": workers, "threads_per_worker": threads, "pid": pid}
        else:
            saturated, paced = _drive_twice(
                base_url=base_url, lifters=people, seconds=seconds, warmup=warmup, pause=pause
            )
            server = {"base_url": base_url}
        logger.info("Replaying the set log's statements for %s s...", seconds)
        direct = ceiling(lifters=people, seconds=seconds, warmup=warmup)
    finally:
        logger.info("Removed %s bench lifters.", lifters_remove())
    ratio = round(saturated["set_log"]["rps"] / direct["tps"], 3) if direct["tps"] else None
    goal = {
        "no_errors": all(
            sum(phase[kind]["errors"] for kind in REQUEST_KINDS) == 0
            and phase["set_log"]["answered_ok"] == phase["set_log"]["saved"]
            and phase["lifters_stopped_early"] == 0
            for phase in (saturated, paced)
        )
        and direct["errors"] == 0
        and direct["lifters_stopped_early"] == 0,
        "set_log_p95_under_50_ms_paced": _under(paced["set_log"]["p95_ms"], GOAL_P95_MS),
        "set_log_p95_under_50_ms_saturated": _under(saturated["set_log"]["p95_ms"], GOAL_P95_MS),
        "ratio_at_least_0_35": ratio is not None and ratio >= GOAL_RATIO,
    }
    goal["all"] = all(goal.values())
    return {
        "lifters": lifters,
        "seconds": seconds,
        "warmup_seconds": warmup,
        "saturated": saturated,
        "paced": {"pause_seconds": pause, **paced},
        "ceiling": direct,
        "ratio_to_ceiling": ratio,
        "goal_met": goal,
        "server": server,
        "cpus": os.cpu_count(),
    }


def _drive_twice(*, lifters: list[Lifter], seconds: float, pause: float, **server) -> tuple:
    """The saturated phase, then the paced one, each lifter on a fresh workout for each."""
    logger.info("Saturated: %s s (after %s s of warm-up)...", seconds, server["warmup"])
    saturated = drive(lifters=lifters, seconds=seconds, **server)
    for lifter in lifters:
        lifter_next_workout(lifter)
    logger.info("Paced, about %s s between a lifter's requests: %s s...", pause, seconds)
    paced = drive(lifters=lifters, seconds=seconds, pause=pause, **server)
    return saturated, paced


def _under(milliseconds: float | None, limit: float) -> bool:
    return milliseconds is not None and milliseconds < limit


def _interrupt(signum, frame):
    raise KeyboardInterrupt


class Command(BaseCommand):
    help = (
        "Load benchmark: gunicorn with concurrent lifters logging sets over HTTP, against the "
        "same set log's SQL replayed directly (the ceiling). Prints one JSON object."
    )

    def add_arguments(self, parser):
        cores = os.cpu_count() or 1
        parser.add_argument("--lifters", type=int, default=32, help="Concurrent lifters (32).")
        parser.add_argument(
            "--seconds", type=float, default=30, help="Measured seconds per phase (30)."
        )
        parser.add_argument(
            "--warmup", type=float, default=3, help="Unmeasured seconds before each phase (3)."
        )
        parser.add_argument(
            "--pause",
            type=float,
            default=DEFAULT_PAUSE_SECONDS,
            help=(
                "Mean seconds a lifter pauses between requests in the paced phase "
                f"({DEFAULT_PAUSE_SECONDS}; a lifter at the gym rests one to three minutes)."
            ),
        )
        parser.add_argument(
            "--workers",
            type=int,
            # Not gunicorn's 2 x cores + 1: here the database and the lifters share the cores,
            # and cores + 1 sync workers logged about 8 % more sets per second (3 against 5 on
            # two cores, averaged over three runs each).
            default=cores + 1,
            help=f"gunicorn workers (cores + 1 = {cores + 1}).",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=1,
            help="Threads per worker; above 1, gunicorn's gthread worker (1: sync workers).",
        )
        parser.add_argument(
            "--history-workouts",
            type=int,
            default=HISTORY_WORKOUTS,
            help=f"Finished workouts of 18 sets per lifter ({HISTORY_WORKOUTS}).",
        )

    def handle(self, *args, **options):
        lifters, seconds, warmup = options["lifters"], options["seconds"], options["warmup"]
        workers, threads = options["workers"], options["threads"]
        if min(lifters, seconds, workers, threads, options["pause"]) <= 0:
            raise CommandError(
                "--lifters, --seconds, --pause, --workers and --threads must be positive."
            )
        if min(warmup, options["history_workouts"]) < 0:
            raise CommandError("--warmup and --history-workouts cannot be negative.")
        # withdb forwards SIGTERM: clean up (stop gunicorn, remove the lifters) as on Ctrl-C.
        previous = signal.signal(signal.SIGTERM, _interrupt)
        try:
            report = benchmark(
                lifters=lifters,
                seconds=seconds,
                warmup=warmup,
                pause=options["pause"],
                workers=workers,
                threads=threads,
                history_workouts=options["history_workouts"],
            )
        except KeyboardInterrupt:
            raise CommandError(
                "Interrupted: the server is stopped and the lifters removed (if the removal was "
                "cut short too, the next run removes them)."
            ) from None
        finally:
            signal.signal(signal.SIGTERM, previous)
        self.stdout.write(json.dumps(report, indent=2))

"""The load benchmark's machinery, briefly: two lifters for two seconds against the live test
server, saturated and then paced, then the set log's statements replayed directly. No times
are asserted: they depend on the machine."""

import json
import os
import sys
import threading
import time
from types import SimpleNamespace

import pytest

from allworkouts.users.models import User
from catalog.tests.factories import ExerciseFactory
from sessions.management.commands.bench import (
    LIFTER_EMAIL_DOMAIN,
    REQUEST_KINDS,
    Tally,
    Window,
    benchmark,
    run_threads,
)

LATENCY_KEYS = {"requests", "rps", "p50_ms", "p95_ms", "p99_ms", "errors"}


@pytest.mark.django_db(transaction=True)
def test_the_benchmark_logs_sets_over_http_and_replays_them_without_errors(live_server):
    ExerciseFactory.create_batch(6)

    report = benchmark(base_url=live_server.url, lifters=2, seconds=2, warmup=0, pause=0.2)

    assert json.loads(json.dumps(report)) == report
    assert {"lifters", "seconds", "ceiling", "ratio_to_ceiling", "goal_met"} <= set(report)
    for phase in ("saturated", "paced"):
        for kind in REQUEST_KINDS:
            assert set(report[phase][kind]) >= LATENCY_KEYS, (phase, kind)
            assert report[phase][kind]["errors"] == 0, (phase, kind)
        set_log = report[phase]["set_log"]
        assert set_log["requests"] > 0, phase
        # Every set the server answered for is in the database, once.
        assert set_log["saved"] == set_log["answered_ok"], phase
        assert report[phase]["lifters_stopped_early"] == 0, phase
    saturated, paced = report["saturated"]["set_log"], report["paced"]["set_log"]
    # Two lifters pausing 0.1 to 0.3 s after each request log far fewer sets than unpaused.
    assert paced["requests"] < saturated["requests"] / 2
    assert paced["requests"] <= 2 * 2 / 0.1
    assert report["paced"]["pause_seconds"] == 0.2
    ceiling = report["ceiling"]
    assert {"transactions", "tps", "statements_per_set_log"} <= set(ceiling)
    assert ceiling["transactions"] > 0
    assert ceiling["errors"] == 0
    assert ceiling["lifters_stopped_early"] == 0
    assert ceiling["saved"] == ceiling["answered_ok"]
    assert ceiling["statements_per_set_log"] > 0
    assert report["ratio_to_ceiling"] == pytest.approx(saturated["rps"] / ceiling["tps"], abs=1e-3)
    assert report["goal_met"]["no_errors"] is True
    assert {
        "set_log_p95_under_50_ms_paced",
        "set_log_p95_under_50_ms_saturated",
        "ratio_at_least_0_35",
        "all",
    } <= set(report["goal_met"])
    # The lifters are gone afterwards.
    assert not User.objects.filter(email__endswith=f"@{LIFTER_EMAIL_DOMAIN}").exists()


@pytest.mark.django_db(transaction=True)
def test_the_benchmark_starts_gunicorn_on_the_same_database_and_stops_it():
    ExerciseFactory.create_batch(6)

    report = benchmark(lifters=2, seconds=1, warmup=0, pause=0.2, workers=1)

    server = report["server"]
    assert (server["gunicorn_workers"], server["threads_per_worker"]) == (1, 1)
    for phase in ("saturated", "paced"):
        assert all(report[phase][kind]["errors"] == 0 for kind in REQUEST_KINDS), phase
        assert report[phase]["lifters_stopped_early"] == 0, phase
        set_log = report[phase]["set_log"]
        # The server wrote to the database the lifters are in: this test's.
        assert set_log["requests"] > 0, phase
        assert set_log["saved"] == set_log["answered_ok"], phase
    if sys.platform == "linux":
        assert report["saturated"]["cpu_cores_busy"]["app_server"] > 0
    # Stopped: no process of the server's group (master or worker) is left.
    with pytest.raises(ProcessLookupError):
        os.killpg(server["pid"], 0)


def test_a_lifter_that_fails_is_counted_and_the_others_go_on():
    window = Window.starting_now(warmup=0, seconds=0.2, stop=threading.Event())
    lifters = [
        SimpleNamespace(user=SimpleNamespace(email=f"lifter-{n}@example.com")) for n in (1, 2)
    ]

    def lifting(lifter, tally):
        if lifter is lifters[0]:
            raise RuntimeError("a bug in the benchmark")
        tally.record("set_log", time.perf_counter(), time.perf_counter(), ok=True)

    no_meter = SimpleNamespace(start=lambda: None, stop=lambda: None)
    tally = run_threads(lifting, lifters, window, no_meter)

    assert tally.stopped_early == 1
    assert tally.summary("set_log")["requests"] == 1


def test_only_requests_started_inside_the_window_are_measured():
    window = Window.starting_now(warmup=10, seconds=10, stop=threading.Event())
    tally = Tally(window=window)
    start, end = window.measure_from, window.until

    tally.record("set_log", start - 1, start + 1, ok=True)  # warm-up
    tally.record("set_log", start, start + 1, ok=True)
    tally.record("set_log", end - 1, end + 1, ok=False)
    tally.record("set_log", end, end + 1, ok=True)  # after the window

    assert tally.latencies["set_log"] == [pytest.approx(1), pytest.approx(2)]
    # Errors count wherever they happen; successes are counted for the saved-sets check.
    assert (tally.errors["set_log"], tally.succeeded["set_log"]) == (1, 3)

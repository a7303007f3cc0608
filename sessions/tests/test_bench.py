"""The load benchmark's machinery, briefly: two lifters for two seconds against the live test
server, saturated and then paced, then the set log's statements replayed directly. No times
are asserted: they depend on the machine."""

import json
import subprocess

import pytest

from allworkouts.users.models import User
from catalog.tests.factories import ExerciseFactory
from sessions.management.commands.bench import LIFTER_EMAIL_DOMAIN, REQUEST_KINDS, benchmark

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
    saturated, paced = report["saturated"]["set_log"], report["paced"]["set_log"]
    # Two lifters pausing 0.1 to 0.3 s after each request log far fewer sets than unpaused.
    assert paced["requests"] < saturated["requests"] / 2
    assert paced["requests"] <= 2 * 2 / 0.1
    assert report["paced"]["pause_seconds"] == 0.2
    ceiling = report["ceiling"]
    assert {"transactions", "tps", "statements_per_set_log"} <= set(ceiling)
    assert ceiling["transactions"] > 0
    assert ceiling["errors"] == 0
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

    assert report["server"] == {"gunicorn_workers": 1, "threads_per_worker": 1}
    for phase in ("saturated", "paced"):
        assert all(report[phase][kind]["errors"] == 0 for kind in REQUEST_KINDS), phase
        set_log = report[phase]["set_log"]
        # The server wrote to the database the lifters are in: this test's.
        assert set_log["requests"] > 0, phase
        assert set_log["saved"] == set_log["answered_ok"], phase
    assert report["saturated"]["cpu_cores_busy"]["app_server"] > 0
    # Stopped: no gunicorn of this run is left.
    leftovers = subprocess.run(
        ["pgrep", "-f", "gunicorn allworkouts.wsgi --preload --no-control-socket"],
        capture_output=True,
    )
    assert leftovers.stdout == b""

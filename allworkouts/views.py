from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from allworkouts.users.selectors import user_owned_equipment
from plans.selectors import plan_list
from sessions.selectors import workout_in_progress

HOME_PLANS_SHOWN = 3


@require_GET
def home(request):
    """The workout in progress to resume, or plans to start; and the lifter's setup."""
    in_progress = workout_in_progress(user=request.user)
    plans = [] if in_progress else [p for p in plan_list(user=request.user) if p.exercise_count]
    return render(
        request,
        "home.html",
        {
            "in_progress": in_progress,
            "plans": plans[:HOME_PLANS_SHOWN],
            "more_plans": len(plans) > HOME_PLANS_SHOWN,
            "owned_equipment": user_owned_equipment(user=request.user),
        },
    )


# Not atomic: the per-request transaction would need the database before the view could say it
# is unreachable.
@transaction.non_atomic_requests
@login_not_required
@never_cache
@require_GET
def healthz(request):
    """200 once the database answers a query, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")

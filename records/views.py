"""Records pages: plain GET pages, nothing on them is swapped by htmx."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from catalog.models import Exercise
from records.charts import progress_chart
from records.selectors import CHART_WORKOUTS, exercise_progress, records_by_exercise


@require_GET
def record_list_page(request):
    return render(
        request, "records/record_list.html", {"groups": records_by_exercise(user=request.user)}
    )


@require_GET
def exercise_progress_page(request, exercise_id: int):
    try:
        progress = exercise_progress(user=request.user, exercise_id=exercise_id)
    except Exercise.DoesNotExist:
        raise Http404("No such exercise.") from None
    return render(
        request,
        "records/exercise_progress.html",
        {
            "progress": progress,
            "chart": progress_chart(progress.bests, unit_system=request.user.unit_system),
            "chart_workouts": CHART_WORKOUTS,
        },
    )

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from allworkouts.users.selectors import user_owned_equipment


@require_GET
def home(request):
    return render(
        request, "home.html", {"owned_equipment": user_owned_equipment(user=request.user)}
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

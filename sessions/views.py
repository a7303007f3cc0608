"""The gym floor (starting a workout, the workout page, logging its sets), and afterwards: the
history, a finished workout's read-back page, and the CSV export.

An htmx request gets back the fragment it swaps (a set row, a slot, the swap panel), a plain
one a redirect to the workout page after a change, or the page itself; either way the response
varies on HX-Request. Choices that no logged set records yet (a swap before its first set, sets
added beyond the plan, skipped sets) are kept in the web session, per workout, so that a reload
keeps them.
"""

import csv
import re
import uuid
from datetime import datetime
from functools import wraps
from itertools import batched
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.db import transaction
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget

from allworkouts import units
from sessions import services
from sessions.forms import (
    FinishForm,
    HistoryFilterForm,
    SetEditForm,
    SetLogForm,
    SetSkipForm,
    SwapForm,
    encode_cursor,
)
from sessions.models import ExerciseSession, SessionStatus, WorkoutSession
from sessions.selectors import (
    PageState,
    RestTimer,
    SetRow,
    SlotView,
    SwapPanel,
    WorkoutDetail,
    WorkoutPage,
    is_swap_candidate,
    logged_row,
    records_held,
    workout_deleted_get,
    workout_detail,
    workout_get,
    workout_history,
    workout_latest_set,
    workout_page,
    workout_set_count,
    workout_set_get,
    workout_sets_export,
    workout_swap_candidates,
)
from sessions.templatetags.workouts import format_set

TEMPLATE = "sessions/workout.html"
WORKOUT_OVER_MESSAGE = "This workout has ended: nothing was changed."
ALREADY_LOGGED_NOTICE = (
    "Set {number} was already logged from another tab or device: here it is. "
    "Add a set to log another."
)
CHANGED_NOTICE = (
    "This set was changed elsewhere: here are its current values. "
    "Your edit ({typed}) was not saved."
)


def request_transaction(view):
    """Run the view in the request's transaction (the row-level security middleware's) without
    a savepoint of its own, instead of ATOMIC_REQUESTS' savepoint pair: logging a set has a
    budget of ten queries. An unexpected exception rolls the whole request back.

    A 404 or 400 leaves the block before it is raised on: they are raised before anything is
    written, and raised inside a block without a savepoint they would mark the transaction for
    rollback and break whatever the middleware still has to run in it.
    """

    @wraps(view)
    def in_request_transaction(request, *args, **kwargs):
        with transaction.atomic(savepoint=False):
            try:
                return view(request, *args, **kwargs)
            except (Http404, BadRequest) as error:
                refusal = error
        raise refusal

    return transaction.non_atomic_requests(in_request_transaction)


# --------------------------------------------------------------------------------------------
# Choices kept in the web session


def _state_key(workout_id: int) -> str:
    return f"workout-page-{workout_id}"


def _page_state(request, workout_id: int) -> PageState:
    stored = request.session.get(_state_key(workout_id), {})
    return PageState(
        swaps={
            int(slot): (exercise, datetime.fromisoformat(chosen_at))
            for slot, (exercise, chosen_at) in stored.get("swaps", {}).items()
        },
        extra_sets={int(slot): count for slot, count in stored.get("extra_sets", {}).items()},
        skipped={
            int(slot): frozenset(numbers) for slot, numbers in stored.get("skipped", {}).items()
        },
    )


def _save_page_state(request, workout_id: int, state: PageState) -> None:
    request.session[_state_key(workout_id)] = {
        "swaps": {
            str(slot): [exercise, chosen_at.isoformat()]
            for slot, (exercise, chosen_at) in state.swaps.items()
        },
        "extra_sets": {str(slot): count for slot, count in state.extra_sets.items()},
        "skipped": {str(slot): sorted(numbers) for slot, numbers in state.skipped.items()},
    }


# --------------------------------------------------------------------------------------------
# Rendering


def _with_forms(row: SetRow, user, *, editing: bool = False) -> SetRow:
    """Give a row without a form the one it shows: a log form (prefilled, with a fresh
    idempotency key) for a set still to log; for a logged set, an edit form when `editing` or
    when the row carries a notice. Otherwise a logged set shows an Edit link that fetches its
    form: without its two forms a logged row renders in about a quarter of the time, and the
    workout page and every set log's answer hold such rows."""
    if row.form is not None or row.skipped:
        return row
    if row.logged is not None:
        if editing or row.notice:
            row.form = SetEditForm(
                unit_system=user.unit_system,
                auto_id=f"workout-set-edit-{row.logged.pk}-%s",
                initial={
                    "reps": row.logged.reps,
                    "weight": units.from_kg(row.logged.weight, user.unit_system),
                    "version": row.logged.version,
                },
            )
            if editing:
                # Opened by a tap on Edit: the keyboard comes up on the reps.
                row.form.fields["reps"].widget.attrs["autofocus"] = True
    else:
        row.form = SetLogForm(
            unit_system=user.unit_system,
            auto_id=f"{row.element_id}-%s",
            initial={
                "reps": row.prefill_reps,
                "weight": units.from_kg(row.prefill_weight_kg, user.unit_system),
                "set_number": row.number,
                "exercise": row.exercise.pk,
                "idempotency_key": uuid.uuid4(),
            },
        )
    return row


def _page_with_forms(page: WorkoutPage, user) -> WorkoutPage:
    if page.in_progress:
        for view in page.slots:
            for row in view.rows:
                _with_forms(row, user)
    return page


def _load_page(request, workout_id: int) -> WorkoutPage:
    try:
        page = workout_page(
            user=request.user, workout_id=workout_id, state=_page_state(request, workout_id)
        )
    except WorkoutSession.DoesNotExist:
        raise Http404 from None
    return _page_with_forms(page, request.user)


def _load_slot(request, workout_id: int, workout_exercise_id: int) -> tuple[WorkoutPage, SlotView]:
    """The page and one of its slots that sets can still be logged for (404 for a slot taken
    out of the plan, which shows only the sets it has)."""
    page = _load_page(request, workout_id)
    view = page.slot(workout_exercise_id)
    if view is None or view.removed:
        raise Http404
    return page, view


def _vary(response):
    patch_vary_headers(response, ["HX-Request"])
    return response


def _full_page(request, page: WorkoutPage, **extra):
    context = {"page": page, "server_now": page.server_now, **extra}
    return _vary(render(request, TEMPLATE, context))


def _fragments(request, workout: WorkoutSession, *parts: tuple[str, dict]):
    """The named partials of the workout page, one after the other, for htmx to swap (the
    later ones out of band)."""
    html = "".join(
        render_to_string(
            f"{TEMPLATE}#{partial}",
            {"workout": workout, "server_now": timezone.now(), **context},
            request=request,
        )
        for partial, context in parts
    )
    return _vary(HttpResponse(html))


def _row_fragment(
    request,
    workout: WorkoutSession,
    row: SetRow | None,
    *,
    timer: RestTimer | None = None,
    timer_changed: bool = False,
):
    """A row (nothing, for a row that no longer exists) and, when `timer_changed`, the rest
    timer bar out of band (`timer`, or none left to show)."""
    parts = []
    if row is not None:
        parts.append(("workout-set", {"row": _with_forms(row, request.user)}))
    if timer_changed:
        parts.append(("rest-timer", {"rest_timer": timer, "oob": True}))
    return _fragments(request, workout, *parts)


def _redirect(request, url: str):
    """htmx follows a redirect by swapping its target; a new page must be a client redirect."""
    return _vary(HttpResponseClientRedirect(url) if request.htmx else redirect(url))


def _back_to_page(request, workout_id: int, anchor: str = ""):
    url = reverse("workout", args=[workout_id])
    return _redirect(request, f"{url}#{anchor}" if anchor else url)


def _workout_over(request, workout_id: int):
    messages.info(request, WORKOUT_OVER_MESSAGE)
    return _back_to_page(request, workout_id)


def _require_in_progress(request, page: WorkoutPage):
    if not page.in_progress:
        return _workout_over(request, page.workout.pk)
    return None


# --------------------------------------------------------------------------------------------
# Starting, finishing, deleting


@request_transaction
@require_POST
def workout_start_view(request, plan_id: int):
    try:
        start = services.workout_start(user=request.user, plan_id=plan_id)
    except services.NotFound:
        raise Http404 from None
    except services.EmptyPlan as empty:
        messages.error(request, f"“{empty.plan.name}” has no exercises yet: add some first.")
        return _redirect(request, reverse("plan_editor", args=[plan_id]))
    workout = start.workout
    if not start.started:
        if workout.workout_plan_id == plan_id:
            messages.info(request, f"Resuming “{workout.name}”.")
        else:
            messages.warning(
                request,
                f"“{workout.name}” is still in progress. Finish or abandon it before "
                "starting another workout.",
            )
    return _back_to_page(request, workout.pk)


@request_transaction
@require_GET
def workout_page_view(request, workout_id: int):
    return _full_page(request, _load_page(request, workout_id))


@request_transaction
@require_POST
def workout_finish_view(request, workout_id: int):
    form = FinishForm(request.POST)
    if not form.is_valid():
        # Someone else's workout is not found, whatever was posted.
        try:
            workout_get(user=request.user, workout_id=workout_id)
        except WorkoutSession.DoesNotExist:
            raise Http404 from None
        raise BadRequest("Say whether the workout is finished or abandoned.")
    status = form.cleaned_data["status"]
    try:
        services.workout_finish(user=request.user, workout_id=workout_id, status=status)
    except services.NotFound:
        raise Http404 from None
    except services.WorkoutNotInProgress:
        return _workout_over(request, workout_id)
    request.session.pop(_state_key(workout_id), None)
    if status == SessionStatus.COMPLETED:
        logged = workout_set_count(user=request.user, workout_id=workout_id)
        messages.success(request, f"Workout finished: {logged} set{pluralize(logged)} logged.")
    else:
        messages.info(request, "Workout abandoned. The sets you logged are kept.")
    return _back_to_page(request, workout_id)


@request_transaction
@require_POST
def workout_delete_view(request, workout_id: int):
    try:
        services.workout_delete(user=request.user, workout_id=workout_id)
    except services.NotFound:
        raise Http404 from None
    request.session.pop(_state_key(workout_id), None)
    messages.success(request, "Workout deleted.")
    return _redirect(request, reverse("home"))


# --------------------------------------------------------------------------------------------
# Logging, editing and deleting sets


def _posted_set_number(request) -> str:
    """The row number the form says it is, for its field ids ("0" when it says none)."""
    number = request.POST.get("set_number", "")
    return number if re.fullmatch(r"[0-9]{1,2}", number) else "0"


@request_transaction
@require_POST
def workout_set_log_view(request, workout_id: int, workout_exercise_id: int):
    form = SetLogForm(
        request.POST,
        unit_system=request.user.unit_system,
        auto_id=f"workout-set-{workout_exercise_id}-{_posted_set_number(request)}-%s",
    )
    if not form.is_valid():
        return _invalid_log(request, workout_id, workout_exercise_id, form)
    data = form.cleaned_data
    try:
        result = services.workout_set_log(
            user=request.user,
            workout_id=workout_id,
            workout_exercise_id=workout_exercise_id,
            exercise_id=data["exercise"],
            set_number=data["set_number"],
            reps=data["reps"],
            weight_kg=data["weight_kg"],
            idempotency_key=data["idempotency_key"],
        )
    except services.NotFound:
        raise Http404 from None
    except services.WorkoutNotInProgress:
        return _workout_over(request, workout_id)
    except (services.IdempotencyKeyReused, services.NotAnEquivalent) as error:
        raise BadRequest(type(error).__name__) from None
    except services.SetAlreadyLogged as taken:
        logged = taken.logged_set
        row = logged_row(logged.workout_exercise, logged, _badges(request, logged))
        row.notice = ALREADY_LOGGED_NOTICE.format(number=logged.set_number)
        if not request.htmx:
            messages.warning(request, row.notice)
            return _back_to_page(request, workout_id, row.element_id)
        return _row_fragment(request, _workout_ref(workout_id), row)
    logged = result.logged_set
    if result.replayed:
        # The first answer, with the set's badges and its rest timer, may have been lost.
        records = _badges(request, logged)
        latest = workout_latest_set(user=request.user, workout_id=workout_id)
        timer_changed = latest is not None and latest.pk == logged.pk
    else:
        records, timer_changed = result.new_records, True
    row = logged_row(logged.workout_exercise, logged, records)
    if not request.htmx:
        return _back_to_page(request, workout_id, row.element_id)
    timer = RestTimer(logged_set=logged, planned_seconds=row.planned_rest_seconds)
    return _row_fragment(
        request, _workout_ref(workout_id), row, timer=timer, timer_changed=timer_changed
    )


def _badges(request, logged: ExerciseSession) -> list:
    """The records a set holds now."""
    return records_held(user=request.user, set_ids=[logged.pk]).get(logged.pk, [])


def _workout_ref(workout_id: int) -> WorkoutSession:
    """The workout as the row fragments need it (its id for their URLs), without a query."""
    return WorkoutSession(pk=workout_id, status=SessionStatus.IN_PROGRESS)


def _invalid_log(request, workout_id: int, workout_exercise_id: int, form: SetLogForm):
    """The row again with the errors beside the fields and what was typed kept (status 200,
    which htmx swaps)."""
    page, view = _load_slot(request, workout_id, workout_exercise_id)
    if over := _require_in_progress(request, page):
        return over
    if form.hidden_fields_broken:
        raise BadRequest(form.errors.as_text())
    number = form.cleaned_data["set_number"]
    row = view.row(number)
    if row is None or row.logged is not None:
        row = SetRow(
            slot_id=view.slot.pk,
            number=number,
            exercise=view.exercise,
            planned_exercise_id=view.planned_exercise.pk,
            planned_rest_seconds=view.slot.rest_time_seconds,
        )
    row.form = form
    if request.htmx:
        return _row_fragment(request, page.workout, row)
    return _full_page(request, page)


def _find_logged_row(page: WorkoutPage, set_id: int) -> SetRow:
    for view in page.slots:
        for row in view.rows:
            if row.logged is not None and row.logged.pk == set_id:
                return row
    raise Http404


def _row_opened_for_edit(request, workout_id: int, set_id: int) -> tuple[WorkoutSession, SetRow]:
    """A logged set's row with its edit form, without loading the page around it."""
    try:
        logged = workout_set_get(user=request.user, workout_id=workout_id, set_id=set_id)
    except ExerciseSession.DoesNotExist:
        raise Http404 from None
    row = logged_row(logged.workout_exercise, logged, _badges(request, logged))
    return logged.workout_session, _with_forms(row, request.user, editing=True)


@request_transaction
@require_http_methods(["GET", "POST"])
def workout_set_update_view(request, workout_id: int, set_id: int):
    """GET: the set's row with its edit form open (htmx), or the page with it open. POST: save
    the edit."""
    if request.method == "GET":
        if not request.htmx:
            page = _load_page(request, workout_id)
            if over := _require_in_progress(request, page):
                return over
            _with_forms(_find_logged_row(page, set_id), request.user, editing=True)
            return _full_page(request, page)
        workout, row = _row_opened_for_edit(request, workout_id, set_id)
        if workout.status != SessionStatus.IN_PROGRESS:
            return _workout_over(request, workout_id)
        return _row_fragment(request, workout, row)
    form = SetEditForm(
        request.POST, unit_system=request.user.unit_system, auto_id=f"workout-set-edit-{set_id}-%s"
    )
    if not form.is_valid():
        page = _load_page(request, workout_id)
        row = _find_logged_row(page, set_id)
        if over := _require_in_progress(request, page):
            return over
        if form.has_error("version"):
            raise BadRequest("The form lacks the version of the set it was rendered from.")
        row.form = form
        return (
            _row_fragment(request, page.workout, row) if request.htmx else _full_page(request, page)
        )
    data = form.cleaned_data
    try:
        updated = services.workout_set_update(
            user=request.user,
            workout_id=workout_id,
            set_id=set_id,
            version=data["version"],
            reps=data["reps"],
            weight_kg=data["weight_kg"],
        )
    except services.NotFound:
        raise Http404 from None
    except services.WorkoutNotInProgress:
        return _workout_over(request, workout_id)
    except services.SetChanged as changed:
        typed = format_set(data["weight_kg"], data["reps"], request.user.unit_system)
        current = changed.logged_set
        row = logged_row(current.workout_exercise, current, _badges(request, current))
        row.notice = CHANGED_NOTICE.format(typed=typed)
        if not request.htmx:
            messages.warning(request, row.notice)
            return _back_to_page(request, workout_id, row.element_id)
        return _row_fragment(request, _workout_ref(workout_id), row)
    # The row alone: the set's slot and exercise came with it, and only its badges may differ.
    row = logged_row(updated.workout_exercise, updated, _badges(request, updated))
    if not request.htmx:
        return _back_to_page(request, workout_id, row.element_id)
    return _row_fragment(request, _workout_ref(workout_id), row)


@request_transaction
@require_POST
def workout_set_delete_view(request, workout_id: int, set_id: int):
    try:
        deleted = services.workout_set_delete(
            user=request.user, workout_id=workout_id, set_id=set_id
        )
    except services.NotFound:
        raise Http404 from None
    except services.WorkoutNotInProgress:
        return _workout_over(request, workout_id)
    if not request.htmx:
        messages.success(request, f"Set {deleted.set_number} deleted.")
        return _back_to_page(request, workout_id, f"workout-slot-{deleted.workout_exercise_id}")
    page = _load_page(request, workout_id)
    view = page.slot(deleted.workout_exercise_id)
    # The row stays, to be logged again, unless it was one added beyond the plan elsewhere.
    row = view.row(deleted.set_number) if view else None
    return _row_fragment(request, page.workout, row, timer=page.rest_timer, timer_changed=True)


# --------------------------------------------------------------------------------------------
# Rows added and skipped; swaps


@request_transaction
@require_POST
def workout_set_add_view(request, workout_id: int, workout_exercise_id: int):
    page, view = _load_slot(request, workout_id, workout_exercise_id)
    if over := _require_in_progress(request, page):
        return over
    if view.rows and view.rows[-1].number >= services.MAX_SET_NUMBER:
        raise BadRequest(f"A slot has at most {services.MAX_SET_NUMBER} sets.")
    state = _page_state(request, workout_id)
    # One row more than shown (which counts sets logged beyond the plan on another device).
    extra = {**state.extra_sets, workout_exercise_id: len(view.rows) + 1 - view.slot.sets}
    _save_page_state(request, workout_id, PageState(state.swaps, extra, state.skipped))
    if not request.htmx:
        return _back_to_page(request, workout_id, f"workout-slot-{workout_exercise_id}")
    page, view = _load_slot(request, workout_id, workout_exercise_id)
    return _row_fragment(request, page.workout, view.rows[-1])


@request_transaction
@require_POST
def workout_set_skip_view(request, workout_id: int, workout_exercise_id: int):
    page, view = _load_slot(request, workout_id, workout_exercise_id)
    if over := _require_in_progress(request, page):
        return over
    form = SetSkipForm(request.POST)
    if not form.is_valid() or view.row(form.cleaned_data["set_number"]) is None:
        raise BadRequest("Name a set of this exercise to skip.")
    number = form.cleaned_data["set_number"]
    state = _page_state(request, workout_id)
    skipped = dict(state.skipped)
    numbers = skipped.get(workout_exercise_id, frozenset())
    skipped[workout_exercise_id] = (
        numbers | {number} if form.cleaned_data["skipped"] else numbers - {number}
    )
    _save_page_state(request, workout_id, PageState(state.swaps, state.extra_sets, skipped))
    if not request.htmx:
        return _back_to_page(request, workout_id, f"workout-slot-{workout_exercise_id}")
    page, view = _load_slot(request, workout_id, workout_exercise_id)
    return _row_fragment(request, page.workout, view.row(number))


@request_transaction
@require_http_methods(["GET", "POST"])
def workout_swap_view(request, workout_id: int, workout_exercise_id: int):
    """GET: the exercises the slot can be swapped to. POST: do the slot's remaining sets with
    one of them, or with the planned exercise again."""
    page, view = _load_slot(request, workout_id, workout_exercise_id)
    if over := _require_in_progress(request, page):
        return over
    if request.method == "GET":
        panel = SwapPanel(
            slot=view, candidates=workout_swap_candidates(user=request.user, slot_view=view)
        )
        if request.htmx:
            return _fragments(request, page.workout, ("workout-swap", {"panel": panel}))
        return _full_page(request, page, swap_panel=panel)
    form = SwapForm(request.POST)
    if not form.is_valid():
        raise BadRequest("Choose the exercise to swap to.")
    exercise_id = form.cleaned_data["exercise"]
    if exercise_id != view.planned_exercise.pk and not is_swap_candidate(
        user=request.user, planned_exercise=view.planned_exercise, exercise_id=exercise_id
    ):
        raise BadRequest("That exercise cannot stand in for this one.")
    state = _page_state(request, workout_id)
    swaps = {**state.swaps, workout_exercise_id: (exercise_id, timezone.now())}
    _save_page_state(request, workout_id, PageState(swaps, state.extra_sets, state.skipped))
    if not request.htmx:
        return _back_to_page(request, workout_id, f"workout-slot-{workout_exercise_id}")
    page, view = _load_slot(request, workout_id, workout_exercise_id)
    return _fragments(request, page.workout, ("workout-slot", {"view": view}))


# --------------------------------------------------------------------------------------------
# History

HISTORY_TEMPLATE = "sessions/history.html"


@request_transaction
@require_GET
def workout_history_view(request):
    """The lifter's workouts, newest first, a page at a time. Filters and the page live in the
    query string. Load more (htmx) gets the next page's rows to append; without JavaScript it is
    a link to that page."""
    form = HistoryFilterForm(request.GET)
    form.is_valid()
    # Only the fields that are valid: a bad one is shown with its error and not applied.
    chosen = form.cleaned_data
    if request.htmx and form.has_error("after"):
        raise BadRequest(form.errors["after"][0])
    filters = {name: chosen[name] for name in ("q", "status") if chosen.get(name)}
    after = chosen.get("after")
    page = workout_history(
        user=request.user,
        status=filters.get("status", ""),
        name=filters.get("q", ""),
        after=after,
    )
    next_url = None
    if page.next_cursor is not None:
        query = urlencode({**filters, "after": encode_cursor(page.next_cursor)})
        next_url = f"{reverse('workout_history')}?{query}"
    context = {"page": page, "next_url": next_url, "filtered": bool(filters)}
    if request.htmx:
        return _vary(render(request, f"{HISTORY_TEMPLATE}#history-more", context))
    undo = chosen.get("undo")
    first_page_url = reverse("workout_history")
    if filters:
        first_page_url += f"?{urlencode(filters)}"
    context |= {
        "form": form,
        "later_page": after is not None,
        "first_page_url": first_page_url,
        "undo_workout": workout_deleted_get(user=request.user, workout_id=undo) if undo else None,
    }
    return _vary(render(request, HISTORY_TEMPLATE, context))


# --------------------------------------------------------------------------------------------
# A finished workout, read back: its sets corrected in place, the workout deleted and restored

DETAIL_TEMPLATE = "sessions/workout_detail.html"
SET_DELETED_MESSAGE = "Deleted set {number} of {exercise}."


def _load_detail(request, workout_id: int) -> WorkoutDetail:
    try:
        detail = workout_detail(user=request.user, workout_id=workout_id)
    except WorkoutSession.DoesNotExist:
        raise Http404 from None
    for group in detail.groups:
        for row in group.rows:
            _with_forms(row, request.user)
    return detail


def _detail_row(detail: WorkoutDetail, set_id: int) -> SetRow:
    for group in detail.groups:
        for row in group.rows:
            if row.logged.pk == set_id:
                return row
    raise Http404


def _detail_url(workout_id: int, anchor: str = "") -> str:
    url = reverse("workout_detail", args=[workout_id])
    return f"{url}#{anchor}" if anchor else url


def _detail_page(request, detail: WorkoutDetail, **extra):
    """The read-back page; for htmx its content (#workout-detail), swapped whole, so that every
    count, total and record badge on it stays true after a change. A workout still in progress
    is read on the gym floor, where its sets are logged and corrected."""
    if detail.page.in_progress:
        return _back_to_page(request, detail.workout.pk)
    context = {"detail": detail, "workout": detail.workout, "read_back": True, **extra}
    if not request.htmx:
        return _vary(render(request, DETAIL_TEMPLATE, context))
    response = render(request, f"{DETAIL_TEMPLATE}#workout-detail", context)
    # A set's forms aim at their own row; after a change the whole content is new.
    return _vary(reswap(retarget(response, "#workout-detail"), "outerHTML"))


def _detail_row_fragment(request, workout: WorkoutSession, row: SetRow):
    """One row again: its edit form opened, with the errors of its form, or with the note that
    it changed elsewhere."""
    html = render_to_string(
        f"{TEMPLATE}#workout-set",
        {"workout": workout, "row": row, "read_back": True},
        request=request,
    )
    return _vary(HttpResponse(html))


@request_transaction
@require_GET
def workout_detail_view(request, workout_id: int):
    return _detail_page(request, _load_detail(request, workout_id))


@request_transaction
@require_http_methods(["GET", "POST"])
def workout_detail_set_update_view(request, workout_id: int, set_id: int):
    """GET: the set's row with its edit form open (htmx), or the page with it open. POST: save
    the correction."""
    if request.method == "GET":
        if not request.htmx:
            detail = _load_detail(request, workout_id)
            _with_forms(_detail_row(detail, set_id), request.user, editing=True)
            return _detail_page(request, detail)
        workout, row = _row_opened_for_edit(request, workout_id, set_id)
        if workout.status == SessionStatus.IN_PROGRESS:
            return _back_to_page(request, workout_id)
        return _detail_row_fragment(request, workout, row)
    form = SetEditForm(
        request.POST, unit_system=request.user.unit_system, auto_id=f"workout-set-edit-{set_id}-%s"
    )
    if not form.is_valid():
        detail = _load_detail(request, workout_id)
        row = _detail_row(detail, set_id)
        if form.has_error("version"):
            raise BadRequest("The form lacks the version of the set it was rendered from.")
        row.form = form
        if request.htmx:
            return _detail_row_fragment(request, detail.workout, row)
        return _detail_page(request, detail)
    data = form.cleaned_data
    try:
        updated = services.workout_set_update(
            user=request.user,
            workout_id=workout_id,
            set_id=set_id,
            version=data["version"],
            reps=data["reps"],
            weight_kg=data["weight_kg"],
            finished_too=True,
        )
    except services.NotFound:
        raise Http404 from None
    except services.SetChanged:
        typed = format_set(data["weight_kg"], data["reps"], request.user.unit_system)
        detail = _load_detail(request, workout_id)
        row = _detail_row(detail, set_id)
        row.notice = CHANGED_NOTICE.format(typed=typed)
        if not request.htmx:
            messages.warning(request, row.notice)
            return _redirect(request, _detail_url(workout_id, row.element_id))
        return _detail_row_fragment(request, detail.workout, row)
    if not request.htmx:
        row = logged_row(updated.workout_exercise, updated, [])
        return _redirect(request, _detail_url(workout_id, row.element_id))
    return _detail_page(request, _load_detail(request, workout_id))


@request_transaction
@require_POST
def workout_detail_set_delete_view(request, workout_id: int, set_id: int):
    try:
        deleted = services.workout_set_delete(
            user=request.user, workout_id=workout_id, set_id=set_id, finished_too=True
        )
    except services.NotFound:
        raise Http404 from None
    message = SET_DELETED_MESSAGE.format(number=deleted.set_number, exercise=deleted.exercise.name)
    if not request.htmx:
        messages.success(request, message)
        return _redirect(request, _detail_url(workout_id))
    return _detail_page(request, _load_detail(request, workout_id), status_message=message)


@request_transaction
@require_POST
def workout_detail_delete_view(request, workout_id: int):
    """Delete the workout, offering to restore it: in place with htmx, else on the history."""
    try:
        workout = services.workout_delete(user=request.user, workout_id=workout_id)
    except services.NotFound:
        raise Http404 from None
    if not request.htmx:
        return _redirect(request, f"{reverse('workout_history')}?undo={workout_id}")
    return _vary(render(request, f"{DETAIL_TEMPLATE}#workout-detail", {"deleted_workout": workout}))


@request_transaction
@require_POST
def workout_restore_view(request, workout_id: int):
    try:
        workout = services.workout_restore(user=request.user, workout_id=workout_id)
    except services.NotFound:
        raise Http404 from None
    except services.AnotherInProgress:
        problem = "Another workout is in progress: finish it before restoring this one."
        if not request.htmx:
            messages.error(request, problem)
            return _redirect(request, f"{reverse('workout_history')}?undo={workout_id}")
        workout = workout_deleted_get(user=request.user, workout_id=workout_id)
        context = {"deleted_workout": workout, "restore_problem": problem}
        return _vary(render(request, f"{DETAIL_TEMPLATE}#workout-detail", context))
    message = f"Restored “{workout.name}”."
    if workout.status == SessionStatus.IN_PROGRESS:
        messages.success(request, message)
        return _back_to_page(request, workout_id)
    if not request.htmx:
        messages.success(request, message)
        return _redirect(request, _detail_url(workout_id))
    return _detail_page(request, _load_detail(request, workout_id), status_message=message)


# --------------------------------------------------------------------------------------------
# CSV export

CSV_HEADER = ["date", "workout", "exercise", "set", "weight", "unit", "reps", "rest_seconds"]
# Rows read from the database, and sent, per chunk of the streamed response.
EXPORT_CHUNK_SIZE = 2000
# A spreadsheet runs a cell starting with one of these as a formula; a leading apostrophe makes
# it text. Workout names are typed by the lifter (OWASP's "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """The file csv.writer writes to: each written line comes straight back, to be streamed."""

    def write(self, text: str) -> str:
        return text


def _as_text_cell(text: str) -> str:
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _csv_chunks(user):
    """The export, a chunk of rows at a time. Runs after the view has returned, while the
    response streams: `workout_sets_export` opens its own transaction as the user."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    unit = units.unit_label(user.unit_system)
    with workout_sets_export(user=user, chunk_size=EXPORT_CHUNK_SIZE) as sets:
        for chunk in batched(sets, EXPORT_CHUNK_SIZE):
            yield "".join(
                writer.writerow(
                    [
                        timezone.localdate(row["started_at"]).isoformat(),
                        _as_text_cell(row["workout"]),
                        _as_text_cell(row["exercise_name"]),
                        row["set_number"],
                        units.from_kg(row["weight_kg"], user.unit_system),
                        unit,
                        row["reps"],
                        "" if row["rest_seconds"] is None else row["rest_seconds"],
                    ]
                )
                for row in chunk
            )


@require_GET
def workout_export_view(request):
    """Every set the lifter logged, as CSV, streamed: a long history never sits in memory."""
    response = StreamingHttpResponse(
        _csv_chunks(request.user), content_type="text/csv; charset=utf-8"
    )
    filename = f"allworkouts-sets-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

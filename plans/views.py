"""Plan pages. An htmx request gets back the fragment it swaps, a plain one the page or, after a
saved change, a redirect; either way the response varies on HX-Request."""

import logging
from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from catalog.selectors import (
    CATALOG_DEFAULTS,
    active_exercise_names,
    exercise_defaults,
    exercise_search,
)
from plans.forms import (
    SEARCH_MAX_LENGTH,
    ExercisePickerForm,
    ImportReviewForm,
    ImportRowFormSet,
    PlanExerciseAddForm,
    PlanExerciseForm,
    PlanExerciseMoveForm,
    PlanImportTextForm,
    PlanNameForm,
    RestoreForm,
    Review,
    RowOptions,
    SlotVersionForm,
    VersionForm,
    sign_review,
)
from plans.importing import parse_for_review
from plans.models import WorkoutExercise, WorkoutPlan
from plans.selectors import (
    ExerciseSearch,
    exercise_missing_equipment,
    exercise_picker,
    plan_deleted_get,
    plan_deleted_list,
    plan_editor,
    plan_get,
    plan_list,
    plan_slot_exists,
)
from plans.services import (
    DEFAULT_SETS,
    PLAN_NAME_MAX_LENGTH,
    PlanConflict,
    PlannedExercise,
    plan_create,
    plan_delete,
    plan_duplicate,
    plan_exercise_add,
    plan_exercise_move,
    plan_exercise_remove,
    plan_exercise_update,
    plan_import,
    plan_rename,
    plan_restore,
)

logger = logging.getLogger(__name__)

LIST_TEMPLATE = "plans/plan_list.html"
DELETED_TEMPLATE = "plans/plan_deleted.html"
EDITOR_TEMPLATE = "plans/plan_editor.html"
IMPORT_TEMPLATE = "plans/plan_import.html"

CONFLICT_MESSAGE = (
    "This plan was changed in another tab; here is the current version — your change was not saved."
)
IMPORT_SEARCH_LIMIT = 8
MAX_ID_DIGITS = 18
DEFAULT_IMPORT_NAME = "Imported plan"


def _render(request, template: str, partial: str, context: dict):
    """The partial for htmx, the whole page otherwise."""
    response = render(request, f"{template}#{partial}" if request.htmx else template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _redirect(request, url: str):
    """htmx follows a redirect by swapping its target; a new page must be a client redirect."""
    response = HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    patch_vary_headers(response, ["HX-Request"])
    return response


@contextmanager
def _found_or_404():
    """A plan or plan exercise that is not the user's, or is deleted, is not found. The views
    check first; this also covers a plan deleted in another tab meanwhile."""
    try:
        yield
    except (WorkoutPlan.DoesNotExist, WorkoutExercise.DoesNotExist):
        raise Http404 from None


def _as_id(value) -> int | None:
    """A row id or index sent as text: ASCII digits only ("²" is a digit to str.isdigit), and
    short enough for a bigint."""
    text = str(value if value is not None else "")
    if text.isascii() and text.isdigit() and len(text) <= MAX_ID_DIGITS:
        return int(text)
    return None


def _valid_or_400(form):
    if not form.is_valid():
        raise BadRequest(form.errors.as_text())
    return form.cleaned_data


# --------------------------------------------------------------------------------------------
# The plan list, and recently deleted plans


def _list_context(request, **extra) -> dict:
    return {
        "plans": plan_list(user=request.user),
        "create_form": extra.pop("create_form", None) or PlanNameForm(),
        **extra,
    }


@require_GET
def plan_list_page(request):
    undo_plan = None
    if (undo := _as_id(request.GET.get("undo"))) is not None:
        undo_plan = plan_deleted_get(user=request.user, plan_id=undo)
    return _render(request, LIST_TEMPLATE, "plan-list", _list_context(request, undo_plan=undo_plan))


@require_POST
def plan_create_view(request):
    form = PlanNameForm(request.POST)
    if form.is_valid():
        try:
            plan = plan_create(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _redirect(request, reverse("plan_editor", args=[plan.pk]))
    return _render(request, LIST_TEMPLATE, "plan-create", _list_context(request, create_form=form))


@require_POST
def plan_duplicate_view(request, plan_id: int):
    with _found_or_404():
        copy = plan_duplicate(user=request.user, plan_id=plan_id)
    message = f"Copied as “{copy.name}”."
    if request.htmx:
        return _render(
            request, LIST_TEMPLATE, "plan-list", _list_context(request, status_message=message)
        )
    messages.success(request, message)
    return _redirect(request, reverse("plan_list"))


@require_POST
def plan_delete_view(request, plan_id: int):
    with _found_or_404():
        plan_delete(user=request.user, plan_id=plan_id)
    if request.htmx:
        undo_plan = plan_deleted_get(user=request.user, plan_id=plan_id)
        return _render(
            request, LIST_TEMPLATE, "plan-list", _list_context(request, undo_plan=undo_plan)
        )
    return _redirect(request, f"{reverse('plan_list')}?undo={plan_id}")


@require_POST
def plan_restore_view(request, plan_id: int):
    back_to = _valid_or_400(RestoreForm(request.POST))["back_to"] or "list"
    with _found_or_404():
        plan_restore(user=request.user, plan_id=plan_id)
    plan = plan_get(user=request.user, plan_id=plan_id)
    message = f"Restored “{plan.name}”."
    if not request.htmx:
        messages.success(request, message)
        return _redirect(request, reverse("plan_list" if back_to == "list" else "plan_deleted"))
    if back_to == "list":
        context = _list_context(request, status_message=message)
        return _render(request, LIST_TEMPLATE, "plan-list", context)
    context = {"deleted_plans": plan_deleted_list(user=request.user), "status_message": message}
    return _render(request, DELETED_TEMPLATE, "plan-deleted-list", context)


@require_GET
def plan_deleted_page(request):
    context = {"deleted_plans": plan_deleted_list(user=request.user)}
    return render(request, DELETED_TEMPLATE, context)


# --------------------------------------------------------------------------------------------
# The plan editor


def _picker_search(form: ExercisePickerForm) -> ExerciseSearch:
    if not form.is_valid():
        return ExerciseSearch()
    equipment = form.cleaned_data["equipment"]
    return ExerciseSearch(
        query=form.cleaned_data["q"],
        muscle_group=form.cleaned_data["muscle"] or None,
        equipment_id=equipment.pk if equipment else None,
    )


def _editor_response(
    request,
    plan_id: int,
    *,
    picker_form: ExercisePickerForm | None = None,
    name_form: PlanNameForm | None = None,
    slot_form: tuple[int, PlanExerciseForm] | None = None,
    status_message: str = "",
    warning: str = "",
    error: str = "",
):
    """The editor showing the plan as it is now; a bound form given keeps what was typed."""
    picker_form = picker_form or ExercisePickerForm()
    with _found_or_404():
        editor = plan_editor(user=request.user, plan_id=plan_id, search=_picker_search(picker_form))
    plan = editor.plan
    rows = []
    for position, item in enumerate(editor.slots, start=1):
        slot = item.slot
        if slot_form and slot_form[0] == slot.pk:
            form = slot_form[1]
        else:
            form = PlanExerciseForm(
                prefix=f"slot-{slot.pk}",
                initial={
                    "version": plan.version,
                    "exercise_version": slot.version,
                    "sets": slot.sets,
                    "reps_min": slot.reps_min,
                    "reps_max": slot.reps_max,
                    "rest_time_seconds": slot.rest_time_seconds,
                },
            )
        rows.append(
            {
                "slot": slot,
                "missing_equipment": item.missing_equipment,
                "form": form,
                "moves": [("up", "↑", position == 1), ("down", "↓", position == len(editor.slots))],
            }
        )
    context = {
        "plan": plan,
        "rows": rows,
        "name_form": name_form or PlanNameForm(initial={"name": plan.name}),
        "picker_form": picker_form,
        "picker_results": editor.picker_results,
        "searched": bool(_picker_search(picker_form)),
        "status_message": status_message,
        "warning": warning,
        "error": error,
    }
    return _render(request, EDITOR_TEMPLATE, "plan-editor", context)


def _saved(request, plan_id: int, message: str, *, warning: str = "", **editor_context):
    """After a change: htmx gets the editor in place, a plain POST a redirect to it."""
    if request.htmx:
        return _editor_response(
            request, plan_id, status_message=message, warning=warning, **editor_context
        )
    messages.success(request, message)
    if warning:
        messages.warning(request, warning)
    return _redirect(request, reverse("plan_editor", args=[plan_id]))


def _conflict(request, plan_id: int):
    return _editor_response(request, plan_id, error=CONFLICT_MESSAGE)


def _require_plan(request, plan_id: int) -> WorkoutPlan:
    with _found_or_404():
        return plan_get(user=request.user, plan_id=plan_id)


def _require_slot(request, plan_id: int, workout_exercise_id: int) -> None:
    if not plan_slot_exists(
        user=request.user, plan_id=plan_id, workout_exercise_id=workout_exercise_id
    ):
        raise Http404


@require_GET
def plan_editor_page(request, plan_id: int):
    return _editor_response(request, plan_id, picker_form=ExercisePickerForm(request.GET))


@require_GET
def plan_exercise_search(request, plan_id: int):
    """The picker's results in place for htmx; without JavaScript the picker loads the editor."""
    if not request.htmx:
        return _editor_response(request, plan_id, picker_form=ExercisePickerForm(request.GET))
    picker_form = ExercisePickerForm(request.GET)
    plan = _require_plan(request, plan_id)
    search = _picker_search(picker_form)
    results = exercise_picker(user=request.user, search=search) if search else []
    context = {
        "plan": plan,
        "picker_form": picker_form,
        "picker_results": results,
        "searched": bool(search),
    }
    return _render(request, EDITOR_TEMPLATE, "exercise-picker-results", context)


@require_POST
def plan_rename_view(request, plan_id: int):
    _require_plan(request, plan_id)
    version = _valid_or_400(VersionForm(request.POST))["version"]
    form = PlanNameForm(request.POST)
    if form.is_valid():
        try:
            with _found_or_404():
                plan_rename(
                    user=request.user,
                    plan_id=plan_id,
                    version=version,
                    name=form.cleaned_data["name"],
                )
        except PlanConflict:
            return _conflict(request, plan_id)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _saved(request, plan_id, "Plan renamed.")
    return _editor_response(request, plan_id, name_form=form)


@require_POST
def plan_exercise_add_view(request, plan_id: int):
    _require_plan(request, plan_id)
    data = _valid_or_400(PlanExerciseAddForm(request.POST))
    # The add buttons carry the search they were listed by, so the results stay on screen; a
    # search that does not read back is dropped, since the exercise was added all the same.
    picker_form = ExercisePickerForm(request.POST)
    if not picker_form.is_valid():
        picker_form = ExercisePickerForm()
    try:
        with _found_or_404():
            slot = plan_exercise_add(
                user=request.user,
                plan_id=plan_id,
                version=data["version"],
                exercise_id=data["exercise"],
            )
    except PlanConflict:
        return _conflict(request, plan_id)
    except ValidationError as error:
        return _editor_response(
            request, plan_id, picker_form=picker_form, error=" ".join(error.messages)
        )
    missing = exercise_missing_equipment(user=request.user, exercise=slot.exercise)
    warning = ""
    if missing:
        warning = (
            f"{slot.exercise.name} needs equipment you haven't marked as yours: "
            f"{', '.join(missing)}. It was added anyway."
        )
    return _saved(
        request, plan_id, f"Added {slot.exercise.name}.", warning=warning, picker_form=picker_form
    )


@require_POST
def plan_exercise_update_view(request, plan_id: int, workout_exercise_id: int):
    _require_slot(request, plan_id, workout_exercise_id)
    form = PlanExerciseForm(request.POST, prefix=f"slot-{workout_exercise_id}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            with _found_or_404():
                plan_exercise_update(
                    user=request.user,
                    plan_id=plan_id,
                    version=data["version"],
                    workout_exercise_id=workout_exercise_id,
                    exercise_version=data["exercise_version"],
                    sets=data["sets"],
                    reps_min=data["reps_min"],
                    reps_max=data["reps_max"],
                    rest_time_seconds=data["rest_time_seconds"],
                )
        except PlanConflict:
            return _conflict(request, plan_id)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _saved(request, plan_id, "Saved.")
    if form.has_error("version") or form.has_error("exercise_version"):
        raise BadRequest("The form lacks the versions it was rendered from.")
    return _editor_response(request, plan_id, slot_form=(workout_exercise_id, form))


@require_POST
def plan_exercise_move_view(request, plan_id: int, workout_exercise_id: int):
    _require_slot(request, plan_id, workout_exercise_id)
    data = _valid_or_400(PlanExerciseMoveForm(request.POST))
    try:
        with _found_or_404():
            moved = plan_exercise_move(
                user=request.user,
                plan_id=plan_id,
                version=data["version"],
                workout_exercise_id=workout_exercise_id,
                exercise_version=data["exercise_version"],
                direction=data["direction"],
            )
    except PlanConflict:
        return _conflict(request, plan_id)
    end = "top" if data["direction"] == "up" else "bottom"
    return _saved(
        request, plan_id, f"Moved {data['direction']}." if moved else f"Already at the {end}."
    )


@require_POST
def plan_exercise_remove_view(request, plan_id: int, workout_exercise_id: int):
    _require_slot(request, plan_id, workout_exercise_id)
    data = _valid_or_400(SlotVersionForm(request.POST))
    try:
        with _found_or_404():
            plan_exercise_remove(
                user=request.user,
                plan_id=plan_id,
                version=data["version"],
                workout_exercise_id=workout_exercise_id,
                exercise_version=data["exercise_version"],
            )
    except PlanConflict:
        return _conflict(request, plan_id)
    return _saved(request, plan_id, "Removed.")


# --------------------------------------------------------------------------------------------
# Import from text

ROW_FIELDS = ["exercise", "search", "sets", "reps_min", "reps_max", "rest_time_seconds"]
ROW_CHECKBOXES = ["confirmed", "DELETE"]


def _default_plan_name(text: str, first_exercise: str) -> str:
    """The first line, unless it is already an exercise; Markdown and bullets stripped."""
    for line in text.splitlines():
        name = line.strip().strip("#*-•_=:|>").strip()
        if not name:
            continue
        if first_exercise.casefold() in name.casefold():
            return DEFAULT_IMPORT_NAME
        return name[:PLAN_NAME_MAX_LENGTH].strip()
    return DEFAULT_IMPORT_NAME


def _initial_rows(review_rows) -> list[dict]:
    """The numbers the parser found; missing ones from the matched exercise's defaults."""
    defaults = exercise_defaults(ids={row.exercise_id for row in review_rows})
    rows = []
    for row in review_rows:
        reps, rest = defaults.get(row.exercise_id, CATALOG_DEFAULTS)
        reps_min = next(value for value in (row.reps_min, row.reps_max, reps) if value is not None)
        rows.append(
            {
                "exercise": row.exercise_id,
                "sets": DEFAULT_SETS if row.sets is None else row.sets,
                "reps_min": reps_min,
                "reps_max": reps_min if row.reps_max is None else row.reps_max,
                "rest_time_seconds": rest if row.rest_seconds is None else row.rest_seconds,
            }
        )
    return rows


def _posted_rows(data, count: int) -> list[dict]:
    """The rows as posted, to show again as typed (unbound: a search is not a submission)."""
    return [
        {name: data.get(f"rows-{index}-{name}", "") for name in ROW_FIELDS}
        | {name: bool(data.get(f"rows-{index}-{name}")) for name in ROW_CHECKBOXES}
        for index in range(count)
    ]


def _row_options(review_rows, rows: list[dict]) -> list[RowOptions]:
    """Per row, what its <select> offers: the exercise the user picked (when it is not among
    the others), the parser's match and alternatives, then the matches of the row's search."""
    searches = [
        exercise_search(query=text, limit=IMPORT_SEARCH_LIMIT)
        if (text := str(row.get("search") or "").strip()[:SEARCH_MAX_LENGTH])
        else None
        for row in rows
    ]
    offered = [
        {pk for pk, _name in _best_matches(review_row)} | {exercise.pk for exercise in found or []}
        for review_row, found in zip(review_rows, searches, strict=True)
    ]
    picked = [_as_id(row.get("exercise")) for row in rows]
    names = active_exercise_names(
        ids={pk for pk, known in zip(picked, offered, strict=True) if pk and pk not in known}
    )
    options = []
    for review_row, row, found, pk in zip(review_rows, rows, searches, picked, strict=True):
        groups = [("", "Choose an exercise")]
        if pk in names:
            groups.append(("Your choice", [(pk, names[pk])]))
        if best := _best_matches(review_row):
            groups.append(("Best matches", best))
        note = ""
        if found is not None:
            text = str(row["search"]).strip()[:SEARCH_MAX_LENGTH]
            if found:
                groups.append((f"Matches for “{text}”", [(e.pk, e.name) for e in found]))
                note = f"{len(found)} match{pluralize(len(found), 'es')} for “{text}” in the list."
            else:
                note = f"No exercise matches “{text}”."
        options.append(RowOptions(choices=groups, search_note=note))
    return options


def _best_matches(review_row) -> list[tuple[int, str]]:
    match = (
        []
        if review_row.exercise_id is None
        else [(review_row.exercise_id, review_row.exercise_name)]
    )
    return match + list(review_row.alternatives)


def _import_text_response(request, form: PlanImportTextForm, notice: str | None = None):
    context = {"text_form": form, "notice": notice}
    return _render(request, IMPORT_TEMPLATE, "plan-import", context)


def _review_response(request, review_form: ImportReviewForm, formset):
    """The review screen. After a refused "Create plan" a summary by the button links to every
    field that needs fixing: the errors themselves may be far up a long page."""
    problems = []
    if formset.is_bound:
        if review_form.has_error("name"):
            problems.append(("#id_name", "the plan name"))
        problems += [
            (f"#import-row-{number}", f"row {number}")
            for number, form in enumerate(formset.forms, start=1)
            if form.errors and not form.dropped
        ]
    context = {
        "review_form": review_form,
        "formset": formset,
        "review": review_form.review,
        "problems": problems,
    }
    return _render(request, IMPORT_TEMPLATE, "plan-import", context)


def _unsubmitted_review(request, *, name, raw_text, token, review, rows):
    """The review screen showing `rows` as they are, without judging them yet."""
    review_form = ImportReviewForm.unbound(
        user=request.user, name=name, raw_text=raw_text, token=token, review=review
    )
    formset = ImportRowFormSet(
        prefix="rows",
        initial=rows,
        review_rows=review.rows,
        row_options=_row_options(review.rows, rows),
    )
    return _review_response(request, review_form, formset)


@require_http_methods(["GET", "POST"])
def plan_import_page(request):
    if request.method == "GET":
        return _import_text_response(request, PlanImportTextForm())
    form = PlanImportTextForm(request.POST)
    if not form.is_valid():
        return _import_text_response(request, form)
    text = form.cleaned_data["text"]
    try:
        # A failing parser must take neither the pasted text nor the request's transaction.
        with transaction.atomic():
            parse = parse_for_review(text=text)
    except Exception:
        logger.exception("Parsing a pasted plan failed.")
        form.add_error(None, "Parsing failed unexpectedly. Your text is kept below: try again.")
        return _import_text_response(request, form)
    if not parse.rows:
        form.add_error(
            "text",
            "No exercises found. Write one exercise per line, such as “Bench Press 3x8-12”.",
        )
        return _import_text_response(request, form, notice=parse.notice)
    return _unsubmitted_review(
        request,
        name=_default_plan_name(text, parse.rows[0].name_as_written),
        raw_text=text,
        token=sign_review(user=request.user, raw_text=text, parse=parse),
        review=Review(parser=parse.parser, notice=parse.notice, rows=parse.rows),
        rows=_initial_rows(parse.rows),
    )


@require_POST
def plan_import_review(request):
    """The review screen's buttons: edit the text, search for a row, refresh, create the plan."""
    review_form = ImportReviewForm(request.POST, user=request.user)
    review_form.is_valid()
    if not review_form.readable:
        text_form = PlanImportTextForm({"text": request.POST.get("raw_text", "")})
        text_form.is_valid()
        for field in ("raw_text", "parse"):
            for error in review_form.errors.get(field, []):
                text_form.add_error(None, error)
        return _import_text_response(request, text_form)
    review = review_form.review
    raw_text = review_form.cleaned_data["raw_text"]
    action = request.POST.get("action", "")
    if action == "edit":
        return _import_text_response(request, PlanImportTextForm(initial={"text": raw_text}))
    if _as_id(request.POST.get("rows-TOTAL_FORMS")) != len(review.rows):
        raise BadRequest("The review's rows do not match its parse.")
    if action != "create":
        rows = _posted_rows(request.POST, len(review.rows))
        searched = _as_id(request.POST.get("search_row"))
        # A row's search picks its best match at once; the select still offers the others.
        if (
            searched is not None
            and searched < len(rows)
            and (found := exercise_search(query=rows[searched]["search"], limit=1))
        ):
            rows[searched]["exercise"] = found[0].pk
        return _unsubmitted_review(
            request,
            name=request.POST.get("name", ""),
            raw_text=raw_text,
            token=review_form.cleaned_data["parse"],
            review=review,
            rows=rows,
        )
    formset = ImportRowFormSet(
        request.POST,
        prefix="rows",
        review_rows=review.rows,
        row_options=_row_options(review.rows, _posted_rows(request.POST, len(review.rows))),
    )
    if not (formset.is_valid() and review_form.is_valid()):
        return _review_response(request, review_form, formset)
    try:
        plan = plan_import(
            user=request.user,
            name=review_form.cleaned_data["name"],
            raw_text=raw_text,
            parsed=review.rows,
            rows=[
                PlannedExercise(
                    exercise_id=form.cleaned_data["exercise"],
                    sets=form.cleaned_data["sets"],
                    reps_min=form.cleaned_data["reps_min"],
                    reps_max=form.cleaned_data["reps_max"],
                    rest_time_seconds=form.cleaned_data["rest_time_seconds"],
                    confidence=form.review_row.confidence,
                    notes=form.review_row.notes,
                )
                for form in formset.forms
                if not form.dropped
            ],
        )
    except ValidationError as error:
        review_form.add_error(None, error.messages)
        return _review_response(request, review_form, formset)
    messages.success(request, f"Created “{plan.name}” from your text.")
    return _redirect(request, reverse("plan_editor", args=[plan.pk]))

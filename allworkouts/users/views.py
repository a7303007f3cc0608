from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_POST

from allworkouts.users.forms import EquipmentForm, UnitSystemForm
from allworkouts.users.selectors import user_owned_equipment_ids
from allworkouts.users.services import user_equipment_set, user_settings_update

SETTINGS_TEMPLATE = "users/settings.html"


def _page_context(user, *, units_form=None, equipment_form=None, **extra):
    """The whole page's context: the forms given, and the others showing what is saved."""
    return {
        "units_form": units_form or UnitSystemForm(initial={"unit_system": user.unit_system}),
        "equipment_form": equipment_form
        or EquipmentForm(initial={"equipment": sorted(user_owned_equipment_ids(user=user))}),
        **extra,
    }


@require_GET
def settings_page(request):
    return render(request, SETTINGS_TEMPLATE, _page_context(request.user))


def _section_response(request, *, partial, saved, saved_message, context):
    """htmx gets the section back in place; a plain POST the page or, once saved, a redirect."""
    if request.htmx:
        response = render(request, f"{SETTINGS_TEMPLATE}#{partial}", context)
    elif saved:
        messages.success(request, saved_message)
        response = redirect("user_settings")
    else:
        response = render(request, SETTINGS_TEMPLATE, _page_context(request.user, **context))
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_POST
def settings_units(request):
    form = UnitSystemForm(request.POST)
    if form.is_valid():
        try:
            user_settings_update(user=request.user, unit_system=form.cleaned_data["unit_system"])
        except ValidationError as error:
            form.add_error(None, error)
    saved = not form.errors
    return _section_response(
        request,
        partial="settings-units",
        saved=saved,
        saved_message="Units saved.",
        context={"units_form": form, "units_saved": saved},
    )


@require_POST
def settings_equipment(request):
    form = EquipmentForm(request.POST)
    if form.is_valid():
        try:
            user_equipment_set(
                user=request.user,
                equipment_ids=[equipment.id for equipment in form.cleaned_data["equipment"]],
            )
        except ValidationError as error:
            # Equipment retired between the form's check and the save.
            form.add_error(None, error)
    saved = not form.errors
    return _section_response(
        request,
        partial="settings-equipment",
        saved=saved,
        saved_message="Equipment saved.",
        context={"equipment_form": form, "equipment_saved": saved},
    )

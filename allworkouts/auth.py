from django.contrib.auth.middleware import LoginRequiredMiddleware
from django_htmx.http import HttpResponseClientRedirect


class HtmxLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Send an expired session's htmx request to the login page as a whole-page redirect.

    A plain redirect would be followed by htmx and the login page swapped into the fragment.
    """

    def handle_no_permission(self, request, view_func):
        response = super().handle_no_permission(request, view_func)
        if request.headers.get("HX-Request") == "true":
            return HttpResponseClientRedirect(response.url)
        return response

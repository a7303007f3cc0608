from django.contrib import admin
from django.urls import include, path

from allworkouts import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("settings/", include("allworkouts.users.urls")),
    path("plans/", include("plans.urls")),
    path("workouts/", include("sessions.urls")),
    path("records/", include("records.urls")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
]

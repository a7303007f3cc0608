from django.urls import path

from allworkouts.users import views

urlpatterns = [
    path("", views.settings_page, name="user_settings"),
]

from django.urls import path

from allworkouts.users import views

urlpatterns = [
    path("", views.settings_page, name="user_settings"),
    path("units/", views.settings_units, name="user_settings_units"),
    path("equipment/", views.settings_equipment, name="user_settings_equipment"),
]

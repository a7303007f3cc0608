from django.urls import path

from records import views

urlpatterns = [
    path("", views.record_list_page, name="records"),
    path("exercise/<int:exercise_id>/", views.exercise_records_page, name="exercise_records"),
]

from django.urls import path

from records import views

urlpatterns = [
    path("", views.record_list_page, name="records"),
    # The exercise page: progress chart, records, latest workouts. Named for what it first was,
    # as other pages link to it.
    path("exercise/<int:exercise_id>/", views.exercise_progress_page, name="exercise_records"),
]

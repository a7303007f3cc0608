from django.urls import path

from sessions import views

SLOT = "<int:workout_id>/slots/<int:workout_exercise_id>/"

urlpatterns = [
    path("history/", views.workout_history_view, name="workout_history"),
    path("export.csv", views.workout_export_view, name="workout_export"),
    path("start/<int:plan_id>/", views.workout_start_view, name="workout_start"),
    path("<int:workout_id>/", views.workout_page_view, name="workout"),
    path("<int:workout_id>/finish/", views.workout_finish_view, name="workout_finish"),
    path("<int:workout_id>/delete/", views.workout_delete_view, name="workout_delete"),
    path("<int:workout_id>/detail/", views.workout_detail_view, name="workout_detail"),
    path(
        "<int:workout_id>/detail/delete/",
        views.workout_detail_delete_view,
        name="workout_detail_delete",
    ),
    path("<int:workout_id>/restore/", views.workout_restore_view, name="workout_restore"),
    path(
        "<int:workout_id>/detail/sets/<int:set_id>/",
        views.workout_detail_set_update_view,
        name="workout_detail_set_update",
    ),
    path(
        "<int:workout_id>/detail/sets/<int:set_id>/delete/",
        views.workout_detail_set_delete_view,
        name="workout_detail_set_delete",
    ),
    path(f"{SLOT}sets/", views.workout_set_log_view, name="workout_set_log"),
    path(f"{SLOT}sets/add/", views.workout_set_add_view, name="workout_set_add"),
    path(f"{SLOT}sets/skip/", views.workout_set_skip_view, name="workout_set_skip"),
    path(f"{SLOT}swap/", views.workout_swap_view, name="workout_swap"),
    path(
        "<int:workout_id>/sets/<int:set_id>/",
        views.workout_set_update_view,
        name="workout_set_update",
    ),
    path(
        "<int:workout_id>/sets/<int:set_id>/delete/",
        views.workout_set_delete_view,
        name="workout_set_delete",
    ),
]

from django.urls import path

from plans import views

urlpatterns = [
    path("", views.plan_list_page, name="plan_list"),
    path("new/", views.plan_create_view, name="plan_create"),
    path("deleted/", views.plan_deleted_page, name="plan_deleted"),
    path("import/", views.plan_import_page, name="plan_import"),
    path("import/review/", views.plan_import_review, name="plan_import_review"),
    path("<int:plan_id>/", views.plan_editor_page, name="plan_editor"),
    path("<int:plan_id>/rename/", views.plan_rename_view, name="plan_rename"),
    path("<int:plan_id>/duplicate/", views.plan_duplicate_view, name="plan_duplicate"),
    path("<int:plan_id>/delete/", views.plan_delete_view, name="plan_delete"),
    path("<int:plan_id>/restore/", views.plan_restore_view, name="plan_restore"),
    path(
        "<int:plan_id>/exercises/search/",
        views.plan_exercise_search,
        name="plan_exercise_search",
    ),
    path("<int:plan_id>/exercises/add/", views.plan_exercise_add_view, name="plan_exercise_add"),
    path(
        "<int:plan_id>/exercises/<int:workout_exercise_id>/",
        views.plan_exercise_update_view,
        name="plan_exercise_update",
    ),
    path(
        "<int:plan_id>/exercises/<int:workout_exercise_id>/move/",
        views.plan_exercise_move_view,
        name="plan_exercise_move",
    ),
    path(
        "<int:plan_id>/exercises/<int:workout_exercise_id>/remove/",
        views.plan_exercise_remove_view,
        name="plan_exercise_remove",
    ),
]

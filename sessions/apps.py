from django.apps import AppConfig


class WorkoutSessionsConfig(AppConfig):
    name = "sessions"
    # django.contrib.sessions already holds the label "sessions".
    label = "workout_sessions"
    verbose_name = "Workouts"

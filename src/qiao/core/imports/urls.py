from django.urls import path

from . import views

urlpatterns = [
    path("<str:type_code>/", views.import_start, name="import_start"),
    path("<str:type_code>/template/", views.import_template, name="import_template"),
    path("jobs/<int:pk>/", views.import_job, name="import_job"),
    path("jobs/<int:pk>/mapping/", views.import_job_mapping, name="import_job_mapping"),
    path("jobs/<int:pk>/check/", views.import_job_recheck, name="import_job_recheck"),
    path("jobs/<int:pk>/progress/", views.import_job_progress, name="import_job_progress"),
    path("jobs/<int:pk>/decide/", views.import_job_decide, name="import_job_decide"),
    path("jobs/<int:pk>/commit/", views.import_job_commit, name="import_job_commit"),
]

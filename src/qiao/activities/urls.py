from django.urls import path

from . import views

app_name = "activities"
urlpatterns = [
    path("add/<str:type_code>/<int:pk>/", views.activity_add, name="add"),
]

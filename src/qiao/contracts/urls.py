from django.urls import path

from . import views

app_name = "contracts"
urlpatterns = [
    path("", views.ContractListView.as_view(), name="list"),
    path("add/", views.ContractEditView.as_view(), name="add"),
    path("<int:pk>/", views.ContractDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.ContractEditView.as_view(), name="edit"),
    path("<int:pk>/delete/", views.ContractDeleteView.as_view(), name="delete"),
    path("<int:pk>/file/", views.ContractFileView.as_view(), name="file"),
]

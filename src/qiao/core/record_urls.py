from django.urls import path

from . import record_views as views

urlpatterns = [
    path("<str:type_code>/<int:pk>/comments/", views.comment_add, name="comment_add"),
    path("comments/<int:pk>/edit/", views.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/delete/", views.comment_delete, name="comment_delete"),
    path("<str:type_code>/<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>/download/", views.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/<str:action>/", views.attachment_action, name="attachment_action"),
]

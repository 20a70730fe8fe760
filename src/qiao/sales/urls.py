from django.urls import path

from . import views, views_board

app_name = "opportunities"
urlpatterns = [
    path("", views.OpportunityListView.as_view(), name="list"),
    path("review/", views.ReviewQueueView.as_view(), name="review"),
    path("add/", views.OpportunityEditView.as_view(), name="add"),
    path("kanban/", views_board.kanban, name="kanban"),
    path("kanban/<int:stage_pk>/", views_board.kanban_column, name="kanban_column"),
    path("forecast/", views_board.forecast, name="forecast"),
    path("funnel/", views_board.funnel, name="funnel"),
    path("stages/", views_board.stage_settings, name="stages"),
    path("stages/add/", views_board.stage_save, name="stage_add"),
    path("stages/<int:pk>/", views_board.stage_save, name="stage_edit"),
    path("stages/<int:pk>/delete/", views_board.stage_delete, name="stage_delete"),
    path("<int:pk>/", views.OpportunityDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.OpportunityEditView.as_view(), name="edit"),
    path("<int:pk>/delete/", views.OpportunityDeleteView.as_view(), name="delete"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/resubmit/", views.resubmit, name="resubmit"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/return/", views.return_for_correction, name="return"),
    path("<int:pk>/override/", views.override, name="override"),
    path("<int:pk>/move/", views.move_stage, name="move"),
    path("<int:pk>/win/", views.WinView.as_view(), name="win"),
    path("<int:pk>/lose/", views.LoseView.as_view(), name="lose"),
    path("<int:pk>/competitors/", views.competitor_add, name="competitor_add"),
    path("<int:pk>/competitors/<int:competitor_pk>/delete/", views.competitor_delete, name="competitor_delete"),
    path("<int:pk>/team/", views.team_add, name="team_add"),
    path("<int:pk>/team/<int:user_pk>/remove/", views.team_remove, name="team_remove"),
]

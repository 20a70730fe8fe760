from django.urls import include, path

from . import (
    views,
    views_birthdays,
    views_capture,
    views_duplicates,
    views_lead_conversion,
    views_lead_targets,
    views_leads,
    views_map,
    views_photos,
    views_pool,
    views_verification,
)

lead_urlpatterns = [
    path("", views_leads.LeadListView.as_view(), name="list"),
    path("add/", views_leads.LeadEditView.as_view(), name="add"),
    path("<int:pk>/", views_leads.LeadDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views_leads.LeadEditView.as_view(), name="edit"),
    path("<int:pk>/delete/", views_leads.LeadDeleteView.as_view(), name="delete"),
    path("<int:pk>/status/", views_leads.lead_status, name="status"),
    path("<int:pk>/convert/", views_lead_conversion.lead_convert, name="convert"),
]

app_name = "customers"
urlpatterns = [
    path("", views.CustomerListView.as_view(), name="list"),
    # CUS-9 map, CUS-10 birthdays, CUS-5 verification calls, CUS-3 photos
    path("map/", views_map.map_page, name="map"),
    path("map/<int:pk>/location/", views_map.set_location, name="map_location"),
    path("birthdays/", views_birthdays.birthday_calendar_page, name="birthdays"),
    path("birthdays/greet/", views_birthdays.birthday_greet, name="birthday_greet"),
    path("<int:pk>/verify/", views_verification.verification_call, name="verify"),
    path("<int:pk>/photos/", views_photos.photo_upload, name="photo_upload"),
    path("photos/<int:pk>/delete/", views_photos.photo_delete, name="photo_delete"),
    path("photos/<int:pk>/<str:size>/", views_photos.photo_file, name="photo_file"),
    path("add/", views.CustomerEditView.as_view(), name="add"),
    path("<int:pk>/", views.CustomerDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.CustomerEditView.as_view(), name="edit"),
    path("<int:pk>/delete/", views.CustomerDeleteView.as_view(), name="delete"),
    path("facets/", views.CustomerFacetsView.as_view(), name="facets"),
    path("<int:pk>/history/<int:history_id>/revert/", views.CustomerRevertView.as_view(), name="revert"),
    path("<int:pk>/contacts/", views.contacts_panel, name="contacts"),
    path("<int:pk>/contacts/add/", views.contact_form, name="contact_add"),
    path("<int:pk>/contacts/<int:contact_pk>/edit/", views.contact_form, name="contact_edit"),
    path("<int:pk>/contacts/<int:contact_pk>/delete/", views.contact_delete, name="contact_delete"),
    path("<int:pk>/contacts/<int:contact_pk>/restore/", views.contact_restore, name="contact_restore"),
    # Leads (LEAD-1 … LEAD-5) and the public pool (CUS-12)
    path("leads/", include((lead_urlpatterns, "leads"))),
    path("pool/", views_pool.pool_list, name="pool"),
    path("pool/<int:pk>/claim/", views_pool.pool_claim, name="pool_claim"),
    path("pool-settings/", views_pool.pool_settings, name="pool_settings"),
    path("<int:pk>/release/", views_pool.customer_release, name="release"),
    path("capture-forms/", views_capture.capture_form_list, name="capture_forms"),
    path("capture-forms/add/", views_capture.capture_form_edit, name="capture_form_add"),
    path("capture-forms/<int:pk>/edit/", views_capture.capture_form_edit, name="capture_form_edit"),
    path("referral-rewards/", views_lead_conversion.reward_list, name="lead_rewards"),
    path("referral-rewards/<int:pk>/pay/", views_lead_conversion.reward_pay, name="lead_reward_pay"),
    path("targets/", views_lead_targets.targets, name="targets"),
    # CUS-8 duplicates and merges
    path("duplicates/", views_duplicates.duplicates_page, name="duplicates"),
    path("duplicates/check/", views.duplicate_check, name="duplicate_check"),
    path("merge/", views_duplicates.merge_page, name="merge"),
    path("merges/", views_duplicates.merges_page, name="merges"),
    path("merges/<int:pk>/undo/", views_duplicates.merge_undo, name="merge_undo"),
]

from django.urls import path

from . import views

app_name = "tracking"
urlpatterns = [
    path("", views.tracking_list, name="list"),
    path("paste/", views.tracking_paste, name="paste"),
    path("export.xlsx", views.tracking_export, name="export"),
    path("<int:pk>/edit/", views.tracking_edit, name="edit"),
    path("<int:pk>/cancel/", views.tracking_cancel_view, name="cancel"),
    path("import/", views.import_create, name="import"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("import/<int:pk>/result.xlsx", views.import_result, name="import_result"),
]

from django.urls import path

from . import views

app_name = "addresses"
urlpatterns = [
    path("", views.address_list, name="list"),
    path("new/", views.address_create, name="create"),
    path("<int:pk>/edit/", views.address_edit, name="edit"),
    path("<int:pk>/delete/", views.address_delete_view, name="delete"),
    path("<int:pk>/default/", views.address_default_view, name="default"),
    path("china/", views.china_address, name="china"),
    path("wards/", views.ward_options_view, name="wards"),
]

from django.urls import path

from . import views

app_name = "consignments"
urlpatterns = [
    path("", views.consignment_list, name="list"),
    path("<str:code>/", views.consignment_detail, name="detail"),
    path("<str:code>/destination/", views.consignment_destination, name="destination"),
]

from django.urls import path

from . import views

app_name = "warehouse"
urlpatterns = [
    path("cn/scan/", views.scan, name="scan"),
    path("cn/consignments/<int:pk>/", views.consignment_card, name="card"),
    path("cn/consignments/<int:pk>/declaration/", views.consignment_declare_view, name="declare"),
    path("cn/parcels/<int:pk>/weight/", views.parcel_weigh, name="weigh"),
    path("cn/parcels/<int:pk>/label.pdf", views.parcel_label, name="label"),
    path("cn/labels.pdf", views.consignment_labels, name="labels"),
    path("cn/parcels/<int:pk>/", views.parcel_panel, name="parcel"),
    path("cn/parcels/<int:pk>/photos/", views.parcel_photos, name="photos"),
    path("cn/parcels/<int:pk>/identify/", views.parcel_identify, name="identify"),
    path("cn/parcels/<int:pk>/assign/", views.parcel_assign_view, name="assign"),
    path("cn/dispatch/", views.dispatch, name="dispatch"),
    path("vn/", views.depot, name="depot"),
    path("ops/conflicts/", views.conflicts, name="conflicts"),
    path("ops/unidentified/", views.unidentified, name="unidentified"),
    path("ops/consignments/find/", views.consignment_find, name="consignment_find"),
    path("ops/consignments/<int:pk>/transfer/", views.consignment_transfer_form, name="transfer_form"),
    path("ops/consignments/<int:pk>/transfer/do/", views.consignment_transfer, name="transfer"),
]

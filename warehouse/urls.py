from django.urls import path

from . import views

app_name = "warehouse"
urlpatterns = [
    path("cn/scan/", views.scan, name="scan"),
    path("cn/consignments/<int:pk>/weight/", views.consignment_weigh, name="weigh"),
    path("cn/dispatch/", views.dispatch, name="dispatch"),
    path("vn/", views.depot, name="depot"),
    path("ops/conflicts/", views.conflicts, name="conflicts"),
]

from django.urls import path

from . import views
from .channels import views as channel_views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/", views.notification_open, name="open"),
    path("read/", views.notification_mark_all_read, name="mark_all_read"),
    path("settings/", channel_views.notification_settings, name="settings"),
    path("settings/telegram/link/", channel_views.telegram_link, name="telegram_link"),
    path("settings/telegram/unlink/", channel_views.telegram_unlink_view, name="telegram_unlink"),
]

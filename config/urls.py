from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from notifications.channels import views as notification_channel_views
from warehouse import views as warehouse_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("addresses/", include("addresses.urls")),
    path("tracking/", include("tracking.urls")),
    path("orders/", include("consignments.urls")),
    path("notifications/", include("notifications.urls")),
    path("staff/", include("warehouse.urls")),
    path("staff/", include("shipping.urls")),
    path("", include("billing.urls")),
    path("", include("delivery.urls")),
    path("", include("claims.urls")),
    path("staff/ops/", include("backoffice.urls")),
    # Customers and staff both open parcel photos; the view checks who may see which.
    path("photos/<int:pk>/", warehouse_views.photo_file, name="photo"),
    path("photos/<int:pk>/small/", warehouse_views.photo_file, {"small": True}, name="photo_small"),
    # Telegram's servers post the bot's updates here (notifications.channels.views.telegram_webhook).
    path(
        "webhooks/telegram/<str:secret>/",
        notification_channel_views.telegram_webhook,
        name="telegram_webhook",
    ),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
]
# Uploaded files are never served from MEDIA_URL, not even in development: photos go through photo_file,
# import files through the tracking views, each checking who asks.

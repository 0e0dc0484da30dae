from .models import Notification


def notifications_for(*, user):
    return Notification.objects.filter(user=user).select_related("consignment", "tracking")


def unread_count(*, user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()

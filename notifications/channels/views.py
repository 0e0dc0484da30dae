"""The notification settings page (which notifications by e-mail and Telegram), the Telegram link, and
the Telegram webhook."""

import hmac
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from .groups import EMAIL, GROUPS, TELEGRAM
from .models import TelegramLink
from .preferences import preference_save, preferences_of
from .telegram import telegram_enabled, telegram_link_start, telegram_unlink, telegram_update_receive


def _page(request, *, deep_link=None, status=200):
    chosen = preferences_of(user=request.user)
    telegram = telegram_enabled()
    link = TelegramLink.objects.filter(user=request.user).first() if telegram else None
    rows = [
        {
            "group": group,
            "label": label,
            "email": group in chosen[EMAIL],
            "telegram": group in chosen[TELEGRAM],
        }
        for group, (label, _kinds) in GROUPS.items()
    ]
    return render(
        request,
        "notifications/settings.html",
        {
            "rows": rows,
            "has_email": bool(request.user.email),
            "telegram": telegram,
            "telegram_link": link,
            "deep_link": deep_link,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    if request.method == "POST":
        email = [g for g in GROUPS if request.POST.get(f"{EMAIL}:{g}") == "on"]
        keep_telegram = not (telegram_enabled() and TelegramLink.objects.filter(user=request.user).exists())
        telegram = (
            None if keep_telegram else [g for g in GROUPS if request.POST.get(f"{TELEGRAM}:{g}") == "on"]
        )
        preference_save(user=request.user, email_groups=email, telegram_groups=telegram)
        messages.success(request, _("Your notification choices are saved."))
        return redirect("notifications:settings")
    return _page(request)


@login_required
@require_POST
def telegram_link(request):
    """A fresh one-time deep link, shown once on the settings page."""
    if not telegram_enabled():
        raise Http404
    return _page(request, deep_link=telegram_link_start(user=request.user))


@login_required
@require_POST
def telegram_unlink_view(request):
    if not telegram_enabled():
        raise Http404
    if telegram_unlink(user=request.user):
        messages.success(request, _("Telegram is unlinked: notifications no longer go there."))
    return redirect("notifications:settings")


@csrf_exempt  # called by Telegram's servers, authenticated by the secret in the URL and the header instead
@require_POST
def telegram_webhook(request, secret):
    expected = settings.TELEGRAM_WEBHOOK_SECRET
    if not (telegram_enabled() and expected and hmac.compare_digest(secret.encode(), expected.encode())):
        raise Http404
    header = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not hmac.compare_digest(header.encode(), expected.encode()):
        return HttpResponseForbidden("bad secret token")
    try:
        update = json.loads(request.body)
    except (RequestDataTooBig, ValueError):
        return HttpResponseBadRequest("not a Telegram update")
    if not isinstance(update, dict):
        return HttpResponseBadRequest("not a Telegram update")
    reply = telegram_update_receive(update)
    if reply is None:
        return HttpResponse(status=200)
    return JsonResponse(reply, json_dumps_params={"ensure_ascii": False})

"""The bank-notification webhook (SePay, Casso): a bank transfer becomes wallet credit, exactly once.

POST /webhooks/bank/<provider>/ with the provider's JSON and its authentication header; see
billing.services.topups.webhook_receive and the README ("Top-up webhook")."""

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ..services.topups import webhook_receive


@csrf_exempt  # called by the provider's servers, authenticated by API key or signature instead
@require_POST
def bank_webhook(request, provider):
    try:
        body, too_large = request.body, False
    except RequestDataTooBig:
        body, too_large = b"", True
    status, answer = webhook_receive(
        provider=provider,
        body=body,
        headers=request.headers,
        remote_addr=request.META.get("REMOTE_ADDR", ""),
        too_large=too_large,
    )
    return JsonResponse(answer, status=status, json_dumps_params={"ensure_ascii": False})


urlpatterns = [
    path("webhooks/bank/<str:provider>/", bank_webhook, name="bank_webhook"),
]

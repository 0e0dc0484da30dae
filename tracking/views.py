from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from accounts.decorators import customer_required
from addresses.selectors import customer_has_address
from core.errors import DomainError
from core.files import file_stem
from core.middleware import accepts_unreadable

from .forms import (
    TrackingFilterForm,
    TrackingImportForm,
    TrackingNoteForm,
    TrackingPasteForm,
    TrackingRegisterForm,
)
from .models import TrackingImport, TrackingNumber
from .normalize import normalize_tracking_code
from .selectors import mark_conflicts, stale_cutoff, tracking_imports_for, tracking_numbers_filtered
from .services import (
    MAX_PASTE_LINES,
    Verdict,
    import_verdict_counts,
    tracking_cancel,
    tracking_register,
    tracking_register_pasted,
    tracking_update_note,
)

PAGE_SIZE = 50


def _address_first(request):
    """Tracking numbers need a delivery address: send the customer to add one, and say why."""
    if customer_has_address(customer=request.user):
        return None
    messages.warning(
        request,
        _(
            "Before registering tracking numbers, add a Vietnam delivery address: we need to know where your goods go."
        ),
    )
    target = f"{reverse('addresses:create')}?{urlencode({'next': request.get_full_path()})}"
    if request.htmx:  # a whole page inside the list would be wrong: make the browser go there
        return HttpResponseClientRedirect(target)
    return redirect(target)


def _filters(request):
    form = TrackingFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    return form, {
        "status": data.get("status", ""),
        "courier": data.get("courier", ""),
        "q": normalize_tracking_code(data.get("q", "")),
    }


@customer_required
def tracking_list(request):
    """The customer's tracking numbers (filter, search, pages), and the form to register one more.

    The list shows without a delivery address (a customer who deleted theirs still sees their codes); only
    registering asks for one."""
    has_address = customer_has_address(customer=request.user)
    if request.method == "POST" and not has_address:
        return _address_first(request)
    form = TrackingRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tracking = tracking_register(
                customer=request.user, raw_code=form.cleaned_data["code"], note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            form.add_error("code", exc.message)
        else:
            messages.success(request, _("Tracking number %(code)s registered.") % {"code": tracking.code})
            if tracking.conflict:
                messages.warning(
                    request,
                    _(
                        "Another customer registered %(code)s too. When the parcel arrives, the customer code on "
                        "its label decides whose it is: make sure your supplier writes it."
                    )
                    % {"code": tracking.code},
                )
            if not request.htmx:
                return redirect("tracking:list")
            form = TrackingRegisterForm()
    if request.htmx and request.method == "POST":  # the next code goes in the same field: the cursor is there
        form.fields["code"].widget.attrs["autofocus"] = True
    filter_form, filters = _filters(request)
    page = Paginator(tracking_numbers_filtered(customer=request.user, **filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = mark_conflicts(customer=request.user, rows=page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "has_address": has_address,
        "address_url": f"{reverse('addresses:create')}?{urlencode({'next': reverse('tracking:list')})}",
        "filter_form": filter_form,
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "stale_cutoff": stale_cutoff(),
    }
    if request.htmx:
        return render(request, "tracking/list.html#content", context)
    return render(request, "tracking/list.html", context)


@accepts_unreadable("text")  # a zero byte in a pasted line costs that line (tracking.services)
@customer_required
def tracking_paste(request):
    """Paste a list: every line gets a verdict, and the good lines are kept whatever the bad ones."""
    if response := _address_first(request):
        return response
    form = TrackingPasteForm(request.POST or None)
    verdicts = None
    if request.method == "POST" and form.is_valid():
        try:
            verdicts, rest = tracking_register_pasted(customer=request.user, text=form.cleaned_data["text"])
        except DomainError as exc:
            form.add_error("text", exc.message)
        else:
            # What was refused goes back into the box as typed, to be corrected; what was not processed
            # follows it. What was added is kept.
            refused = [v.raw for v in verdicts if v.verdict == Verdict.REFUSED]  # as typed, trimmed
            form = TrackingPasteForm(initial={"text": "\n".join([*refused, *([rest] if rest else [])])})
            if refused:
                messages.warning(
                    request,
                    ngettext(
                        "The refused line is back in the box: correct it and submit again.",
                        "The %(n)s refused lines are back in the box: correct them and submit again.",
                        len(refused),
                    )
                    % {"n": f"{len(refused):,}"},
                )
            if rest:
                messages.warning(
                    request,
                    _(
                        "Only %(max)s lines are taken at a time: the first %(max)s were processed, and the remaining "
                        "%(rest)s are back in the box. Submit again, or upload a spreadsheet."
                    )
                    % {"max": f"{MAX_PASTE_LINES:,}", "rest": f"{rest.count(chr(10)) + 1:,}"},
                )
    context = {"form": form, "verdicts": verdicts}
    if verdicts is not None:
        counts = dict.fromkeys(Verdict.LABELS, 0)
        for v in verdicts:
            counts[v.verdict] += 1
        context.update(
            counts=[(key, Verdict.LABELS[key], counts[key]) for key in Verdict.LABELS],
            problems=[v for v in verdicts if v.verdict != Verdict.ADDED],
            added=[v for v in verdicts if v.verdict == Verdict.ADDED],
        )
    return render(request, "tracking/paste.html", context)


def _tracking_for(request, pk) -> TrackingNumber:
    return get_object_or_404(
        TrackingNumber.objects.select_related("consignment"), pk=pk, customer=request.user
    )


@customer_required
def tracking_edit(request, pk):
    """Change the note, or cancel the registration, until the warehouse receives the parcel."""
    tracking = _tracking_for(request, pk)
    form = TrackingNoteForm(request.POST or None, initial={"note": tracking.note})
    if request.method == "POST" and form.is_valid():
        try:
            tracking_update_note(customer=request.user, pk=tracking.pk, note=form.cleaned_data["note"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Note saved for %(code)s.") % {"code": tracking.code})
        return redirect("tracking:list")
    return render(request, "tracking/edit.html", {"tracking": tracking, "form": form})


@customer_required
@require_POST
def tracking_cancel_view(request, pk):
    tracking = _tracking_for(request, pk)
    try:
        code = tracking_cancel(customer=request.user, pk=tracking.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Registration of %(code)s cancelled.") % {"code": code})
    return redirect("tracking:list")


@customer_required
def tracking_export(request):
    """The filtered list as an Excel file."""
    from .imports import export_tracking_xlsx

    _form, filters = _filters(request)
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="ma-van-don-{stamp}.xlsx"'
    export_tracking_xlsx(tracking_numbers_filtered(customer=request.user, **filters), response)
    return response


# --- Spreadsheet imports -----------------------------------------------------------------------------------


@customer_required
def import_create(request):
    if response := _address_first(request):
        return response
    form = TrackingImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        from .imports import import_start

        try:
            imp = import_start(
                customer=request.user,
                uploaded_file=form.cleaned_data["file"],
                separator=form.cleaned_data.get("separator") or "",
            )
        except DomainError as exc:
            form.add_error("separator" if exc.code == "separator" else "file", exc.message)
        else:
            return redirect("tracking:import_detail", pk=imp.pk)
    return render(
        request,
        "tracking/import.html",
        {"form": form, "imports": tracking_imports_for(customer=request.user)[:10]},
    )


def _import_for(request, pk) -> TrackingImport:
    return get_object_or_404(TrackingImport, pk=pk, customer=request.user)


@customer_required
def import_detail(request, pk):
    """The import's progress; htmx polls the progress partial until it is finished."""
    imp = _import_for(request, pk)
    context = {
        "imp": imp,
        "counts": import_verdict_counts(imp),
        "refused_more": imp.refused - len(imp.refused_rows),
    }
    if request.htmx:
        return render(request, "tracking/import_detail.html#progress", context)
    return render(request, "tracking/import_detail.html", context)


@customer_required
def import_result(request, pk):
    imp = _import_for(request, pk)
    if not imp.result_file:
        raise Http404
    stem = file_stem(imp.original_name, "ma-van-don")
    return FileResponse(imp.result_file.open("rb"), as_attachment=True, filename=f"{stem}-ket-qua.xlsx")

"""The release note (phiếu xuất kho) as an A4 PDF: who it goes to, which parcels, the carrier and its
tracking number, the domestic fee and the cash to collect, and room for three signatures. Fonts, the pen and
Code128 come from warehouse.pdf (Vietnamese and Chinese in one line, whatever the machine has)."""

import io
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdf_canvas

from core.money import vnd
from warehouse.labels import format_weight, parcel_code
from warehouse.models import Parcel
from warehouse.pdf import Pen, draw_barcode, label_fonts

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
WIDTH, HEIGHT = A4
MARGIN = 15 * mm
ROW = 6 * mm


def _carrier(note) -> str:
    return str(note.get_carrier_display())


def release_note_pdf(note) -> bytes:
    """One release note; more pages when its parcels do not fit one."""
    request = note.request
    parcels = list(
        Parcel.objects.filter(consignment__delivery_items__request=request)
        .select_related("consignment")
        .order_by("consignment_id", "piece_number", "id")
    )
    buffer = io.BytesIO()
    c = pdf_canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    brand = str(getattr(settings, "BRAND_MARK", "") or "")
    c.setTitle(note.code)
    c.setAuthor(brand)
    c.setCreator(brand)
    pen = Pen(c, label_fonts())
    inner = WIDTH - 2 * MARGIN
    depot = request.depot

    # Header: brand, title, the note's code as a barcode, the date.
    y = HEIGHT - MARGIN
    pen.text(MARGIN, y - 6 * mm, brand, 18, bold=True)
    pen.text(WIDTH / 2, y - 6 * mm, _("RELEASE NOTE"), 16, bold=True, align="center")
    draw_barcode(c, note.code, WIDTH - MARGIN - 30 * mm, y - 14 * mm, 60 * mm, 10 * mm, max_dots=2)
    pen.text(WIDTH - MARGIN - 30 * mm, y - 18 * mm, note.code, 10, bold=True, align="center")
    printed = timezone.now().astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M")
    pen.text(MARGIN, y - 12 * mm, _("Printed %(when)s") % {"when": printed}, 9)
    pen.text(MARGIN, y - 17 * mm, _("Delivery request %(code)s") % {"code": request.code}, 9)
    y -= 24 * mm
    c.setLineWidth(1)
    c.line(MARGIN, y, WIDTH - MARGIN, y)

    # From / to, side by side.
    half = inner / 2
    y -= 6 * mm
    pen.text(MARGIN, y, _("From"), 9, bold=True)
    pen.text(MARGIN + half, y, _("Deliver to"), 9, bold=True)
    left = [depot.name, *pen.wrap(depot.address, 10, half - 4 * mm, 3), depot.phone]
    customer = request.customer
    right = [
        f"{request.recipient_name} · {request.recipient_phone}",
        *pen.wrap(request.address_text, 10, half - 4 * mm, 4),
        f"{customer.customer_code or ''} {customer.username}".strip(),
    ]
    for i in range(max(len(left), len(right))):
        y -= 5 * mm
        if i < len(left) and left[i]:
            pen.text(MARGIN, y, left[i], 10, bold=i == 0)
        if i < len(right) and right[i]:
            pen.text(MARGIN + half, y, right[i], 10, bold=i == 0)
    if request.note:
        y -= 6 * mm
        for line in pen.wrap(_("Customer's note: %(note)s") % {"note": request.note}, 9, inner, 3):
            pen.text(MARGIN, y, line, 9)
            y -= 4.5 * mm
    y -= 4 * mm
    c.line(MARGIN, y, WIDTH - MARGIN, y)

    # Carrier, tracking number, money.
    y -= 7 * mm
    pen.text(MARGIN, y, _("Carrier"), 9, bold=True)
    pen.text(MARGIN + 35 * mm, y, _carrier(note), 11, bold=True)
    if note.tracking_number:
        pen.text(MARGIN + half, y, _("Tracking number"), 9, bold=True)
        pen.text(MARGIN + half + 35 * mm, y, note.tracking_number, 11, bold=True)
    y -= 6 * mm
    pen.text(MARGIN, y, _("Domestic fee"), 9, bold=True)
    pen.text(MARGIN + 35 * mm, y, vnd(note.domestic_fee_vnd), 11)
    pen.text(MARGIN + half, y, _("Wallet below zero"), 9, bold=True)
    pen.text(MARGIN + half + 35 * mm, y, vnd(note.wallet_debt_vnd), 11)
    y -= 9 * mm
    pen.text(MARGIN, y, _("CASH TO COLLECT (COD)"), 11, bold=True)
    pen.text(MARGIN + half, y, vnd(note.cod_vnd), 16, bold=True)
    y -= 5 * mm
    c.line(MARGIN, y, WIDTH - MARGIN, y)

    # Parcels.
    columns = [
        (MARGIN, _("#")),
        (MARGIN + 10 * mm, _("Parcel")),
        (MARGIN + 55 * mm, _("Tracking number")),
        (MARGIN + 115 * mm, _("Weight")),
    ]

    def header(y):
        for x, title in columns:
            pen.text(x, y, title, 9, bold=True)
        return y - ROW

    y = header(y - 6 * mm)
    total_g = 0
    for number, parcel in enumerate(parcels, start=1):
        if y < MARGIN + 45 * mm:
            c.showPage()
            pen = Pen(c, label_fonts())
            y = header(HEIGHT - MARGIN - 6 * mm)
        total_g += parcel.weight_g or 0
        pen.text(columns[0][0], y, str(number), 10)
        pen.text(columns[1][0], y, parcel_code(parcel), 10, bold=True)
        pen.text(columns[2][0], y, parcel.tracking_code, 10)
        pen.text(columns[3][0], y, format_weight(parcel.weight_g), 10)
        y -= ROW
    pen.text(
        MARGIN,
        y,
        _("%(n)s parcels, %(weight)s") % {"n": len(parcels), "weight": format_weight(total_g)},
        10,
        bold=True,
    )

    # Signatures.
    y = MARGIN + 25 * mm
    third = inner / 3
    for i, title in enumerate((_("Depot staff"), _("Carrier / shipper"), _("Receiver"))):
        pen.text(MARGIN + third * i + third / 2, y, title, 10, bold=True, align="center")
        pen.text(MARGIN + third * i + third / 2, y - 4.5 * mm, _("(signature, full name)"), 8, align="center")
    c.showPage()
    c.save()
    return buffer.getvalue()

"""View tests for the tracking-number list and its register form."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import translation

from consignments.models import Consignment
from core.testing import assert_login_redirect
from tracking.models import TrackingNumber, TrackingStatus
from tracking.services import Verdict
from tracking.tests.factories import TrackingNumberFactory
from warehouse.tests.factories import ParcelFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

URL = "/tracking/"


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_url_is_the_tracking_list():
    assert reverse("tracking:list") == URL


# --- who may open it -------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_is_sent_to_login(client, method):
    response = getattr(client, method)(URL, {"code": "SF123456789012"} if method == "post" else None)
    assert_login_redirect(response, URL)
    assert not TrackingNumber.objects.exists()


@pytest.mark.parametrize("persona", ["cn_staff", "vn_staff", "ops"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_staff_are_refused(request, client_of, persona, method):
    client = client_of(request.getfixturevalue(persona))
    response = getattr(client, method)(URL, {"code": "SF123456789012"} if method == "post" else None)
    assert response.status_code == 403
    assert not TrackingNumber.objects.exists()


def test_without_an_address_the_list_still_shows_and_registering_asks_for_one(client_of, new_customer):
    TrackingNumberFactory(customer=new_customer, code="SF555666777888")  # registered before the address went
    response = client_of(new_customer).get(URL)
    assert response.status_code == 200
    assert "SF555666777888" in response.text
    assert 'data-testid="address-needed"' in response.text
    assert f'href="{reverse("addresses:create")}?next=%2Ftracking%2F"' in response.text
    assert 'name="code"' not in response.text  # no register form to fill in for nothing


def test_customer_without_address_is_sent_to_the_address_form(client_of, new_customer):
    client = client_of(new_customer)
    response = client.post(URL, {"code": "SF123456789012"})

    assert response.status_code == 302
    url = urlsplit(response.url)
    assert url.path == reverse("addresses:create")
    assert parse_qs(url.query)["next"] == [URL]
    assert not TrackingNumber.objects.exists()

    form = client.get(response.url)
    assert form.status_code == 200
    assert "Before registering tracking numbers, add a Vietnam delivery address" in form.text
    assert 'name="next" value="/tracking/"' in form.text


def test_after_adding_the_address_the_customer_is_back_on_the_tracking_page(client_of, new_customer):
    client = client_of(new_customer)
    response = client.post(
        reverse("addresses:create"),
        {
            "recipient_name": "Lê Văn C",
            "phone": "0912345678",
            "province_code": "01",  # Hà Nội
            "ward_code": "00004",  # Phường Ba Đình
            "street": "5 Hàng Gai",
            "next": URL,
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == URL
    assert response.status_code == 200
    assert response.resolver_match.view_name == "tracking:list"


# --- the list --------------------------------------------------------------------------------------------


def test_list_shows_my_codes_and_never_another_customers(client_of, customer, other_customer):
    TrackingNumberFactory(customer=customer, code="SF111111111111", note="2 đôi giày")
    TrackingNumberFactory(customer=customer, code="YT2222222222222")
    TrackingNumberFactory(customer=other_customer, code="ZTO999999999")

    response = client_of(customer).get(URL)

    assert response.status_code == 200
    assert sorted(t.code for t in response.context["page"]) == ["SF111111111111", "YT2222222222222"]
    text = response.text
    assert "SF111111111111" in text and "YT2222222222222" in text and "2 đôi giày" in text
    assert "ZTO999999999" not in text
    assert text.count('data-testid="tracking-row"') == 2


def test_list_empty_state(client_of, customer):
    response = client_of(customer).get(URL)
    assert response.status_code == 200
    assert "No tracking numbers yet." in response.text
    assert 'data-testid="tracking-row"' not in response.text


def test_list_links_a_matched_code_to_its_order(client_of, customer):
    from consignments.tests.factories import ConsignmentFactory

    order = ConsignmentFactory(customer=customer, code="KG12345678")
    TrackingNumberFactory(
        customer=customer, code="SF333333333333", consignment=order, status=TrackingStatus.MATCHED
    )
    response = client_of(customer).get(URL)
    assert reverse("consignments:detail", args=["KG12345678"]) in response.text
    assert "Matched" in response.text


def test_list_paginates_by_fifty(client_of, customer):
    for n in range(51):
        TrackingNumberFactory(customer=customer, code=f"SF{n:012d}")
    client = client_of(customer)
    first = client.get(URL)
    second = client.get(URL, {"page": 2})
    assert first.text.count('data-testid="tracking-row"') == 50
    assert second.text.count('data-testid="tracking-row"') == 1
    assert len({t.code for t in first.context["page"]} | {t.code for t in second.context["page"]}) == 51


# --- registering -----------------------------------------------------------------------------------------


def test_register_trims_and_upper_cases_and_lists_it(client_of, customer, django_capture_on_commit_callbacks):
    client = client_of(customer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"code": "  sf 1234 5678 9012 ", "note": " 3 đôi giày "})

    assert response.status_code == 302 and response.url == URL
    tracking = TrackingNumber.objects.get()
    assert tracking.customer == customer
    assert tracking.code == "SF123456789012"
    assert tracking.note == "3 đôi giày"
    assert tracking.status == TrackingStatus.REGISTERED
    assert "Tracking number SF123456789012 registered." in messages_of(response)

    page = client.get(URL)
    assert "SF123456789012" in page.text
    assert [t.code for t in page.context["page"]] == ["SF123456789012"]


def test_register_the_same_code_twice_says_already(client_of, customer):
    client = client_of(customer)
    client.post(URL, {"code": "SF123456789012"})

    response = client.post(URL, {"code": " sf-1234-5678-9012"})

    assert response.status_code == 200
    assert "You have already registered SF123456789012." in response.text
    assert response.context["form"].errors["code"] == ["You have already registered SF123456789012."]
    assert TrackingNumber.objects.filter(customer=customer).count() == 1


def test_another_customers_registration_does_not_block_and_is_not_named(client_of, customer, other_customer):
    TrackingNumberFactory(customer=other_customer, code="SF123456789012")
    client = client_of(customer)
    response = client.post(URL, {"code": "SF123456789012"})
    assert response.status_code == 302
    assert TrackingNumber.objects.filter(code="SF123456789012").count() == 2
    assert TrackingNumber.objects.get(code="SF123456789012", customer=customer)
    messages = " ".join(messages_of(response))
    assert "Another customer registered SF123456789012 too." in messages
    page = client.get(URL)
    assert "Registered by someone else" in page.text
    for secret in ("hoang2024", "KM748"):  # who the other customer is stays private
        assert secret not in messages and secret not in page.text


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "This field is required."),
        ("SF12", "is too short for a tracking number"),
        ("SF12345678901234567890123456789", "too long for a tracking number"),
        ("SF123456789012è", "has only Latin letters and digits; this one also has “è”."),
        ("---", "Enter a tracking number."),
    ],
)
def test_register_refuses_bad_codes(client_of, customer, raw, message):
    response = client_of(customer).post(URL, {"code": raw})
    assert response.status_code == 200
    assert message in response.text
    assert "code" in response.context["form"].errors
    assert not TrackingNumber.objects.exists()


def test_register_with_htmx_returns_the_updated_list_only(client_of, customer, other_customer):
    TrackingNumberFactory(customer=other_customer, code="ZTO999999999")
    response = client_of(customer).post(URL, {"code": "yt 9988 7766 5500 0"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "<html" not in response.text  # a partial for htmx to swap in
    assert 'id="tracking-content"' in response.text
    assert "Tracking number YT9988776655000 registered." in response.text
    assert "YT9988776655000" in response.text
    assert "ZTO999999999" not in response.text
    assert 'value="yt 9988 7766 5500 0"' not in response.text  # a fresh, empty form for the next code
    # htmx focuses the swapped-in [autofocus]: the cursor is back in the code field for the next one
    assert re.search(r'<input[^>]*name="code"[^>]*autofocus', response.text)
    assert TrackingNumber.objects.filter(customer=customer, code="YT9988776655000").exists()


def test_register_with_htmx_shows_the_error_in_the_partial(client_of, customer):
    TrackingNumberFactory(customer=customer, code="YT9988776655000")
    response = client_of(customer).post(URL, {"code": "YT9988776655000"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'data-testid="code-error"' in response.text
    assert "You have already registered YT9988776655000." in response.text
    assert TrackingNumber.objects.count() == 1


def test_a_parcel_already_at_the_warehouse_is_matched_when_registered(
    client_of, customer, django_capture_on_commit_callbacks
):
    parcel = ParcelFactory(tracking_code="JT0001112223000")
    client = client_of(customer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {"code": "jt 000 111 2223 000"})

    order = Consignment.objects.get(parcels=parcel)
    assert order.customer == customer
    tracking = TrackingNumber.objects.get(customer=customer)
    assert tracking.status == TrackingStatus.MATCHED and tracking.consignment == order
    page = client.get(URL)
    assert order.code in page.text
    assert reverse("consignments:detail", args=[order.code]) in page.text


# --- CSRF ------------------------------------------------------------------------------------------------


def test_register_without_csrf_token_is_refused(customer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    response = client.post(URL, {"code": "SF123456789012"})
    assert response.status_code == 403
    assert not TrackingNumber.objects.exists()


def test_register_with_csrf_token_works(customer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    client.get(URL)  # sets the CSRF cookie
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(URL, {"code": "SF123456789012", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert TrackingNumber.objects.filter(customer=customer, code="SF123456789012").exists()


def test_what_a_customer_typed_is_escaped(client_of, customer):
    client = client_of(customer)
    client.post(URL, {"code": "SF123456789012", "note": "<script>alert('note')</script>"})
    page = client.get(URL)
    assert "<script>alert('note')</script>" not in page.text
    assert "&lt;script&gt;alert(&#x27;note&#x27;)&lt;/script&gt;" in page.text

    refused = client.post(URL, {"code": "<b>SF1234567</b>"})
    assert refused.status_code == 200
    assert "<b>" not in refused.text.lower()
    assert 'value="&lt;b&gt;SF1234567&lt;/b&gt;"' in refused.text  # kept in the input, escaped
    assert "this one also has “&lt;”, “&gt;”." in refused.text  # and named in the message, escaped


# === The other tracking pages: paste a list, export, edit/cancel one, spreadsheet imports ===================

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def private_media(settings, tmp_path):
    """Uploads and result files somewhere of this test's own, whatever storage the settings use."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def mine(customer):
    return TrackingNumberFactory(customer=customer, code="SF111111111111", note="giày")


@pytest.fixture
def theirs(other_customer):
    return TrackingNumberFactory(customer=other_customer, code="YT2222222222222", note="túi xách")


@pytest.fixture
def my_import(customer, private_media):
    from tracking.tests.factories import TrackingImportFactory

    return TrackingImportFactory(customer=customer, original_name="thang-11.csv")


@pytest.fixture
def their_import(other_customer, private_media):
    from tracking.tests.factories import TrackingImportFactory

    return TrackingImportFactory(customer=other_customer, original_name="bi-mat.csv")


def csv_upload(text, name="ma-van-don.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def read_xlsx(content):
    import io

    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def _other_requests(tracking, imp):
    return {
        "paste-get": ("get", reverse("tracking:paste"), None),
        "paste-post": ("post", reverse("tracking:paste"), {"text": "SF123456789012"}),
        "export": ("get", reverse("tracking:export"), None),
        "edit-get": ("get", reverse("tracking:edit", args=[tracking.pk]), None),
        "edit-post": ("post", reverse("tracking:edit", args=[tracking.pk]), {"note": "đổi"}),
        "cancel": ("post", reverse("tracking:cancel", args=[tracking.pk]), None),
        "import-get": ("get", reverse("tracking:import"), None),
        "import-post": ("post", reverse("tracking:import"), {"file": csv_upload("SF123456789012\n")}),
        "import-detail": ("get", reverse("tracking:import_detail", args=[imp.pk]), None),
        "import-result": ("get", reverse("tracking:import_result", args=[imp.pk]), None),
    }


OTHER_PAGES = [
    "paste-get",
    "paste-post",
    "export",
    "edit-get",
    "edit-post",
    "cancel",
    "import-get",
    "import-post",
    "import-detail",
    "import-result",
]


def _nothing_changed(tracking):
    from tracking.models import TrackingImport

    tracking.refresh_from_db()
    assert tracking.note == "giày"
    assert list(TrackingNumber.objects.values_list("code", flat=True)) == ["SF111111111111"]
    assert TrackingImport.objects.count() == 1


@pytest.mark.parametrize("which", OTHER_PAGES)
def test_other_pages_send_anonymous_to_login(client, mine, my_import, which):
    method, path, data = _other_requests(mine, my_import)[which]
    assert_login_redirect(getattr(client, method)(path, data), path)
    _nothing_changed(mine)


@pytest.mark.parametrize("persona", ["cn_staff", "vn_staff", "ops"])
@pytest.mark.parametrize("which", OTHER_PAGES)
def test_other_pages_refuse_staff(request, client_of, mine, my_import, persona, which):
    method, path, data = _other_requests(mine, my_import)[which]
    response = getattr(client_of(request.getfixturevalue(persona)), method)(path, data)
    assert response.status_code == 403
    _nothing_changed(mine)


@pytest.mark.parametrize("which", ["edit-get", "edit-post", "cancel", "import-detail", "import-result"])
def test_another_customers_registration_or_import_is_404(client_of, customer, theirs, their_import, which):
    method, path, data = _other_requests(theirs, their_import)[which]
    response = getattr(client_of(customer), method)(path, data)
    assert response.status_code == 404
    assert "YT2222222222222" not in response.text and "bi-mat.csv" not in response.text
    theirs.refresh_from_db()  # still there, note unchanged
    assert theirs.note == "túi xách"


def test_cancel_refuses_get(client_of, customer, mine):
    response = client_of(customer).get(reverse("tracking:cancel", args=[mine.pk]))
    assert response.status_code == 405
    assert TrackingNumber.objects.filter(pk=mine.pk).exists()


@pytest.mark.parametrize("name", ["tracking:paste", "tracking:import"])
def test_other_register_pages_send_a_customer_without_address_to_the_address_form(
    client_of, new_customer, name
):
    response = client_of(new_customer).get(reverse(name))
    assert response.status_code == 302
    url = urlsplit(response.url)
    assert url.path == reverse("addresses:create")
    assert parse_qs(url.query)["next"] == [reverse(name)]
    assert "Before registering tracking numbers, add a Vietnam delivery address" in " ".join(
        messages_of(response)
    )


# --- the list's filters ------------------------------------------------------------------------------------


def test_list_search_and_status_filter(client_of, customer, theirs):
    TrackingNumberFactory(customer=customer, code="SF111111111111")
    TrackingNumberFactory(customer=customer, code="SF333333333333", status=TrackingStatus.RECEIVED)
    client = client_of(customer)

    found = client.get(URL, {"q": " sf 3333 "})
    assert [t.code for t in found.context["page"]] == ["SF333333333333"]

    received = client.get(URL, {"status": "received"})
    assert [t.code for t in received.context["page"]] == ["SF333333333333"]

    nothing = client.get(URL, {"q": "YT2222"})  # another customer's code is never found
    assert list(nothing.context["page"]) == []
    assert "YT2222222222222" not in nothing.text
    assert "No tracking number matches these filters." in nothing.text


# --- paste a list ------------------------------------------------------------------------------------------


def test_paste_page_opens(client_of, customer):
    response = client_of(customer).get(reverse("tracking:paste"))
    assert response.status_code == 200
    assert 'name="text"' in response.text
    assert 'data-testid="paste-result"' not in response.text


def test_paste_registers_the_good_lines_and_explains_the_others(client_of, customer, mine, theirs):
    text = "\n".join(
        [
            " sf 1234 5678 9012 ",  # added
            "SF123456789012",  # repeated in this list
            "SF111111111111",  # already mine
            "YT2222222222222",  # another customer's too: added, flagged
            "abc",  # refused
        ]
    )
    response = client_of(customer).post(reverse("tracking:paste"), {"text": text})

    assert response.status_code == 200
    assert sorted(TrackingNumber.objects.filter(customer=customer).values_list("code", flat=True)) == [
        "SF111111111111",
        "SF123456789012",
        "YT2222222222222",
    ]
    assert TrackingNumber.objects.filter(code="YT2222222222222").count() == 2
    verdicts = [v.verdict for v in response.context["verdicts"]]
    assert verdicts == ["added", "duplicate", "already", "conflict", "refused"]
    text = response.text
    assert 'data-testid="paste-result"' in text
    assert 'data-testid="count-added">Added: 1</span>' in text
    assert 'data-testid="count-refused">Refused: 1</span>' in text
    assert text.count('data-testid="verdict-row"') == 4  # every line that was not simply added
    assert "Same code as line 1." in text
    assert "hoang2024" not in text and "KM748" not in text
    # the refused line is back in the box, to be corrected; the others are not
    assert response.context["form"].initial["text"] == "abc"
    assert "The refused line is back in the box: correct it and submit again." in text


def test_refused_lines_go_back_in_the_box_as_typed(client_of, customer):
    text = "SF123456789012\n  đây không phải mã!!  \nSF12\nYT2222222222222"
    response = client_of(customer).post(reverse("tracking:paste"), {"text": text})
    assert TrackingNumber.objects.filter(customer=customer).count() == 2
    assert response.context["form"].initial["text"] == "đây không phải mã!!\nSF12"
    assert re.search(r">\s*đây không phải mã!!\nSF12</textarea>", response.text)
    assert "this one also has “đ”, “â”, “y”" not in response.text  # only what is not a Latin letter or digit
    assert "this one also has “đ”, “â”, “ô”, “ả”, “ã” …" in response.text
    assert "The 2 refused lines are back in the box: correct them and submit again." in response.text


def test_a_long_refused_line_comes_back_whole(client_of, customer):
    long_line = "SF123456789012 " + "ghi chú dài " * 15  # a note pasted on the code's line, 195 characters
    response = client_of(customer).post(reverse("tracking:paste"), {"text": long_line})
    assert response.context["form"].initial["text"] == long_line.strip()


@pytest.mark.parametrize("text", ["", " \n \n", ",,;;"])
def test_paste_of_nothing_is_refused(client_of, customer, text):
    response = client_of(customer).post(reverse("tracking:paste"), {"text": text})
    assert response.status_code == 200
    assert "text" in response.context["form"].errors
    assert not TrackingNumber.objects.exists()


# --- export ------------------------------------------------------------------------------------------------


def test_export_is_my_list_as_an_excel_file(client_of, customer, mine, theirs):
    TrackingNumberFactory(customer=customer, code="SF333333333333", note='=HYPERLINK("http://x")')

    response = client_of(customer).get(reverse("tracking:export"))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"].startswith('attachment; filename="')
    rows = read_xlsx(response.content)
    assert rows[0][0] == "Tracking number"
    codes = sorted(row[0] for row in rows[1:])
    assert codes == ["SF111111111111", "SF333333333333"]
    assert all("YT2222222222222" not in str(row) for row in rows)
    notes = {row[0]: row[2] for row in rows[1:]}
    assert not str(notes["SF333333333333"]).startswith("=")  # never a formula


def test_export_follows_the_filters(client_of, customer, mine):
    TrackingNumberFactory(customer=customer, code="SF333333333333")
    response = client_of(customer).get(reverse("tracking:export"), {"q": "3333"})
    assert [row[0] for row in read_xlsx(response.content)[1:]] == ["SF333333333333"]


# --- edit the note, cancel ---------------------------------------------------------------------------------


def test_edit_page_shows_my_registration(client_of, customer, mine):
    response = client_of(customer).get(reverse("tracking:edit", args=[mine.pk]))
    assert response.status_code == 200
    assert "SF111111111111" in response.text
    assert 'value="giày"' in response.text


def test_edit_saves_the_note(client_of, customer, mine):
    response = client_of(customer).post(reverse("tracking:edit", args=[mine.pk]), {"note": "  5 đôi giày "})
    assert response.status_code == 302 and response.url == URL
    mine.refresh_from_db()
    assert mine.note == "5 đôi giày"
    assert "Note saved for SF111111111111." in messages_of(response)


def test_cancel_withdraws_my_registration(client_of, customer, mine, theirs):
    response = client_of(customer).post(reverse("tracking:cancel", args=[mine.pk]))
    assert response.status_code == 302 and response.url == URL
    assert not TrackingNumber.objects.filter(pk=mine.pk).exists()
    assert TrackingNumber.objects.filter(pk=theirs.pk).exists()
    assert "Registration of SF111111111111 cancelled." in messages_of(response)


@pytest.mark.parametrize("action", ["edit", "cancel"])
def test_a_received_registration_can_no_longer_change(client_of, customer, action):
    from consignments.tests.factories import ConsignmentFactory

    order = ConsignmentFactory(customer=customer)
    matched = TrackingNumberFactory(
        customer=customer, code="SF444444444444", note="cũ", status=TrackingStatus.MATCHED, consignment=order
    )
    data = {"note": "mới"} if action == "edit" else None
    response = client_of(customer).post(reverse(f"tracking:{action}", args=[matched.pk]), data)

    assert response.status_code == 302
    assert "The warehouse has received SF444444444444: it can no longer be changed." in messages_of(response)
    matched.refresh_from_db()
    assert matched.note == "cũ" and matched.consignment == order


# --- spreadsheet imports -----------------------------------------------------------------------------------


def test_import_page_lists_only_my_uploads(client_of, customer, my_import, their_import):
    response = client_of(customer).get(reverse("tracking:import"))
    assert response.status_code == 200
    assert list(response.context["imports"]) == [my_import]
    assert "thang-11.csv" in response.text and "bi-mat.csv" not in response.text
    assert 'enctype="multipart/form-data"' in response.text


def test_import_upload_registers_the_rows_and_offers_a_result_file(
    client_of, customer, theirs, private_media, django_capture_on_commit_callbacks
):
    from tracking.models import TrackingImport

    client = client_of(customer)
    upload = csv_upload("Mã vận đơn,Ghi chú\nSF123456789012,giày\nYT2222222222222,\nabc,\nSF123456789012,\n")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("tracking:import"), {"file": upload})

    imp = TrackingImport.objects.get()
    assert imp.customer == customer and imp.original_name == "ma-van-don.csv"
    assert response.status_code == 302
    assert response.url == reverse("tracking:import_detail", args=[imp.pk])
    assert imp.status == TrackingImport.Status.DONE
    # The repeat of SF123456789012 is "repeated" on the page and in the result file alike, not "already yours".
    assert (imp.added, imp.conflicts, imp.refused, imp.already, imp.repeated) == (1, 1, 1, 0, 1)
    assert TrackingNumber.objects.get(customer=customer, code="SF123456789012").note == "giày"
    assert TrackingNumber.objects.filter(customer=customer, code="YT2222222222222").exists()

    detail = client.get(response.url)
    assert detail.status_code == 200
    assert 'data-status="done"' in detail.text
    assert 'data-testid="import-percent"' in detail.text and "100%" in detail.text
    assert reverse("tracking:import_result", args=[imp.pk]) in detail.text
    counted = {key: n for key, _label, n in detail.context["counts"]}
    assert counted == {"added": 1, "already": 0, "conflict": 1, "duplicate": 1, "refused": 1}
    assert detail.text.count('data-testid="refused-row"') == 1 and "<code" in detail.text
    assert imp.refused_rows[0][:2] == [4, "abc"]

    result = client.get(reverse("tracking:import_result", args=[imp.pk]))
    assert result.status_code == 200
    assert "attachment" in result["Content-Disposition"]
    assert "ma-van-don-ket-qua.xlsx" in result["Content-Disposition"]
    rows = read_xlsx(b"".join(result.streaming_content))
    assert [row[2] or "" for row in rows[1:]] == ["SF123456789012", "YT2222222222222", "", "SF123456789012"]
    with translation.override(settings.LANGUAGE_CODE):  # the result file is written in the site's language
        labels = {str(label): key for key, label in Verdict.LABELS.items()}
    assert sorted(labels[row[3]] for row in rows[1:]) == sorted(
        k for k, n in counted.items() for _ in range(n)
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("codes.txt", b"SF123456789012\n", "Upload an Excel file (.xlsx) or a CSV file (.csv)"),
        ("codes.xls", b"\xd0\xcf\x11\xe0rest", "Old Excel files (.xls) cannot be read."),
        ("codes.xlsx", b"SF123456789012\n", "This is not an Excel file"),
    ],
)
def test_import_refuses_a_file_it_cannot_read(client_of, customer, private_media, name, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tracking.models import TrackingImport

    response = client_of(customer).post(
        reverse("tracking:import"), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert message in response.text
    assert not TrackingImport.objects.exists()
    assert not TrackingNumber.objects.exists()


def test_import_without_a_file_is_refused(client_of, customer):
    from tracking.models import TrackingImport

    # What a browser sends when no file was chosen: the field, empty.
    response = client_of(customer).post(reverse("tracking:import"), {"file": ""})
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert not TrackingImport.objects.exists()


def test_import_detail_shows_a_pending_import_that_polls(client_of, customer, my_import):
    response = client_of(customer).get(reverse("tracking:import_detail", args=[my_import.pk]))
    assert response.status_code == 200
    assert "thang-11.csv" in response.text
    assert 'data-status="pending"' in response.text
    assert 'hx-trigger="every 1s"' in response.text
    assert 'data-testid="import-result"' not in response.text


def test_import_detail_for_htmx_is_the_progress_only(client_of, customer, my_import):
    response = client_of(customer).get(
        reverse("tracking:import_detail", args=[my_import.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.strip().startswith('<div id="import-progress"')


def test_import_result_before_there_is_one_is_404(client_of, customer, my_import):
    assert client_of(customer).get(reverse("tracking:import_result", args=[my_import.pk])).status_code == 404

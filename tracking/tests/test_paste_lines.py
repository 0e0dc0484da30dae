"""A pasted list (issue 12): a bad line costs only itself, a zero byte included, and every verdict names the
line of the box it came from (blank lines count)."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracking.models import TrackingNumber
from tracking.services import Verdict, split_pasted, tracking_register_pasted

pytestmark = pytest.mark.django_db

good_codes = st.integers(min_value=10**12, max_value=10**13 - 1).map(lambda n: f"SF{n}")
bad_entries = st.sampled_from(
    [
        "SF12345\x0067890123",
        "\x00",
        "abc\x00",
        "??",
        "mã",
        "SF1",
        "订单123",
        "SF1234567890123\ud800",
        "1.5E+13",
    ]
)
blank = st.sampled_from(["", "   ", "\t"])


def test_split_keeps_the_line_of_the_box():
    text = "SF1\n\n  \nSF2, SF3\r\nSF4;\tSF5\rSF6\n"
    assert split_pasted(text) == [(1, "SF1"), (4, "SF2"), (4, " SF3"), (5, "SF4"), (5, "SF5"), (6, "SF6")]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lines=st.lists(
        st.one_of(
            good_codes.map(lambda c: ("good", c)),
            bad_entries.map(lambda b: ("bad", b)),
            blank.map(lambda b: ("blank", b)),
        ),
        min_size=1,
        max_size=25,
    ).filter(lambda lines: any(kind != "blank" for kind, _ in lines)),
    newline=st.sampled_from(["\n", "\r\n"]),
)
def test_good_lines_are_kept_and_each_bad_one_is_reported_on_its_line(customer, lines, newline):
    TrackingNumber.objects.filter(customer=customer).delete()
    verdicts, rest = tracking_register_pasted(customer=customer, text=newline.join(text for _, text in lines))
    assert rest == ""
    by_line = {v.line: v for v in verdicts}
    assert len(by_line) == len(verdicts)  # one entry per line here: one verdict per line
    first_of = {}
    for number, (kind, text) in enumerate(lines, start=1):
        if kind == "blank":
            assert number not in by_line
        elif kind == "bad":
            assert by_line[number].verdict == Verdict.REFUSED, (number, text)
            assert by_line[number].message
            assert "\x00" not in by_line[number].raw
        else:
            first = first_of.setdefault(text, number)
            expected = Verdict.ADDED if first == number else Verdict.DUPLICATE
            assert (by_line[number].verdict, by_line[number].code) == (expected, text)
    kept = set(TrackingNumber.objects.filter(customer=customer).values_list("code", flat=True))
    assert kept == {text for kind, text in lines if kind == "good"}


def test_a_zero_byte_in_the_box_costs_its_line_only(client_of, english, customer):
    text = "SF1234567890123\n\nSF12345\x0067890123\nSF1234567890124"
    response = client_of(customer).post(reverse("tracking:paste"), {"text": text})
    assert response.status_code == 200
    verdicts = {v.line: v for v in response.context["verdicts"]}
    assert verdicts[1].verdict == verdicts[4].verdict == Verdict.ADDED
    assert verdicts[3].verdict == Verdict.REFUSED and "cannot be read" in verdicts[3].message
    assert set(TrackingNumber.objects.filter(customer=customer).values_list("code", flat=True)) == {
        "SF1234567890123",
        "SF1234567890124",
    }
    assert "SF12345\ufffd67890123" in response.context["form"]["text"].value()


def test_a_zero_byte_in_another_field_of_the_paste_is_a_400(client_of, customer):
    response = client_of(customer).post(reverse("tracking:paste"), {"text": "SF1234567890123", "x\x00": "1"})
    assert response.status_code == 400
    assert not TrackingNumber.objects.filter(customer=customer).exists()

"""Reading the customer code out of a bank transfer's content: what banks do to `NAP YW532`."""

import pytest

from billing.transfer_content import code_from_provider, codes_in, fold


@pytest.mark.parametrize(
    "content",
    [
        "NAP YW532",
        "nap yw532",
        "nap-yw532",
        "NAPYW532",
        "NAP.YW532",
        "NAP_YW-532",
        "NẠP YW 532",
        "Nạp tiền YW532",
        "NAP TIEN YW532",
        "IBFT NAP YW532 🎉",
        "🎉NAP YW532🎉",
        "MBVCB.3278907687.NAP YW532.CT tu 0123499999",
        "MBVCB.3278907687.NAPYW532.CT TU 0123",
        "FT23082001234 NAP YW532 chuyen tien",
        "CT DEN:123456 NAP YW532",
        "TKThe :0123, tai VCB. NAP YW532-0987654321",
        "NAP  Y W 5 3 2",
        "ＮＡＰ ＹＷ５３２",  # full-width letters (NFKD folds them)
        "NAP-YW532",
        "NAP.YW532.CT",
        "MBVCB.123.NAP YW532.CT",
        "IBFT:NAP YW532",
        "3278907687NAP YW532",  # a bank's reference glued on: digits may touch the prefix
    ],
)
def test_the_code_after_the_prefix_is_found_however_the_bank_wrote_it(content):
    assert codes_in(content, prefix="NAP") == ["YW532"]


@pytest.mark.parametrize(
    "content",
    [
        "",
        "YW532",  # no prefix: never guessed
        "chuyen tien YW532",
        "FT23082 YW532",
        "NAP YW5321",  # a longer number is not this code
        "NAP YW53",
        "NAP Y532",
        "NAP YO532",  # O is never in a code
        "NAP YW502",  # nor 0
        "NAP IW532",
        "NAP 532YW",
        "NAP",
        "🎉🎉🎉",
        # the prefix is a word of its own (review: a name ending in "…N AP" credited someone)
        "TRAN VAN AP YW532",
        "SNAP YW532",
        "KHANAP YW532",
        "N A P YW532",
        "N.A.P YW532",
        "N-AP YW532",
    ],
)
def test_nothing_is_found_without_the_prefix_and_a_whole_code(content):
    assert codes_in(content, prefix="NAP") == []


def test_two_codes_are_both_found_in_order_once_each():
    assert codes_in("NAP YW532 NAP KM748 nap yw532", prefix="NAP") == ["YW532", "KM748"]
    assert codes_in("NAPYW532NAPKM748", prefix="NAP") == ["YW532", "KM748"]


def test_the_prefix_is_configurable_and_folded_too():
    assert codes_in("KG YW532", prefix="KG") == ["YW532"]
    assert codes_in("NAP YW532", prefix="KG") == []
    assert codes_in("nộp yw532", prefix="NỘP") == ["YW532"]


def test_fold():
    assert fold("Nạp tiền Đức đ 🎉") == "NAP TIEN DUC D  "
    assert fold(None) == ""


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("YW532", ["YW532"]),
        ("yw532", ["YW532"]),
        ("NAPYW532", ["YW532"]),
        ("NAP YW532", ["YW532"]),
        (None, []),
        ("", []),
        ("FT23082", []),
        ("YW5321", []),
        (12345, []),
    ],
)
def test_the_code_sepay_extracted_is_trusted_without_the_prefix(code, expected):
    assert code_from_provider(code, prefix="NAP") == expected


@pytest.mark.parametrize(
    ("content", "codes"),
    [
        ("TRAN VAN AP KM748", []),
        ("SNAP KM748", []),
        ("KHANAP KM748", []),
        ("N A P KM748", []),
        ("NAP KM748", ["KM748"]),
        ("NAP-KM748", ["KM748"]),
        ("NAP.KM748", ["KM748"]),
        ("MBVCB.123.NAP KM748.CT", ["KM748"]),
        ("nạp km748", ["KM748"]),
        ("NAPKM748", ["KM748"]),
        ("NAP KM 748", ["KM748"]),
    ],
)
def test_the_prefix_starts_a_word_and_has_no_separators_inside(content, codes):
    assert codes_in(content, prefix="NAP") == codes

"""An import's page shows its refused rows (issue 12), capped, and counts as its result file does."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tracking.imports import import_run, import_start
from tracking.imports.run import REFUSED_SHOWN

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_refused_rows_are_listed_on_the_page_up_to_a_cap(client_of, english, customer):
    lines = (
        ["Mã vận đơn"]
        + [f"bad{i}?" for i in range(REFUSED_SHOWN + 7)]
        + ["SF1234567890123", "SF1234567890123"]
    )
    imp = import_start(
        customer=customer, uploaded_file=SimpleUploadedFile("a.csv", "\n".join(lines).encode())
    )
    import_run(import_id=imp.pk)
    imp.refresh_from_db()
    assert (imp.refused, imp.added, imp.repeated, imp.already) == (REFUSED_SHOWN + 7, 1, 1, 0)
    assert [row[0] for row in imp.refused_rows] == list(range(2, REFUSED_SHOWN + 2))  # the file's row numbers
    html = client_of(customer).get(reverse("tracking:import_detail", args=[imp.pk])).content.decode()
    assert html.count('data-testid="refused-row"') == REFUSED_SHOWN
    assert "bad0?" in html and f"bad{REFUSED_SHOWN}?" not in html
    assert "And 7 more refused rows: download the result file to see them all." in html
    assert 'data-testid="import-count-duplicate"' in html


def test_no_refused_rows_no_table(client_of, english, customer):
    imp = import_start(customer=customer, uploaded_file=SimpleUploadedFile("a.csv", b"SF1234567890123\n"))
    import_run(import_id=imp.pk)
    html = client_of(customer).get(reverse("tracking:import_detail", args=[imp.pk])).content.decode()
    assert 'data-testid="import-refused"' not in html

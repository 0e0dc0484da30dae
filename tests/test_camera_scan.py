"""static/js/camera-scan.js in Debian's Chromium: decoding barcodes, and the camera flow with a stand-in camera.

Chromium's fake-camera flags are not on in the shared ``browser`` fixture, so:
* decoding is tested for real: PNG images of Code128, Code39, ITF and EAN-13 barcodes, drawn here from
  reportlab's own encoding (EAN-13 by the table below), sharp and "photographed" (tilted, blurred, low
  contrast, noisy), go through ``KyGuiCamera.decodeImage`` and the vendored ZXing;
* the camera flow runs against a stand-in ``getUserMedia`` whose stream is a canvas showing such an image
  (``canvas.captureStream``): the real script opens it, decodes its frames with ZXing, fills the input,
  submits the form, vibrates and stops the camera. Refused permission and a missing camera are the
  stand-in's DOMExceptions; the browser's native BarcodeDetector (which Linux Chromium lacks) is a stub.

Pages are served by Playwright's router on a made-up https origin (a secure context, as the camera
needs); no request leaves the browser.
"""

import base64
import io
import json
import random
from urllib.parse import urlparse

import pytest
from PIL import Image, ImageDraw, ImageFilter
from reportlab.graphics.barcode import code39, code128, common

from tests.conftest import PHONE, ROOT

pytestmark = pytest.mark.browser

ORIGIN = "https://kygui.test"
PLAIN_HTTP = "http://kygui.test"  # not a secure context: browsers give it no camera
STATIC = ROOT / "static"
DECODER = "/static/vendor/zxing-library-0.23.0.min.js"

# --- barcode images ----------------------------------------------------------------------------------


def _modules_from_reportlab(symbol) -> list[int]:
    """Bar/space widths in modules from reportlab's decomposition (bars first, alternating)."""
    symbol.validate()
    symbol.encode()
    symbol.decompose()
    widths = []
    for char in symbol.decomposed:
        if char in "AaBbCcDd" and isinstance(symbol, code128.Code128):
            widths.append(" abcd".index(char.lower()))
        else:  # code39 / I2of5: b, s, i narrow; B, S wide
            widths.append(3 if char in "BS" else 1)
    return widths


EAN_L = [
    "0001101",
    "0011001",
    "0010011",
    "0111101",
    "0100011",
    "0110001",
    "0101111",
    "0111011",
    "0110111",
    "0001011",
]
EAN_PARITY = [
    "LLLLLL",
    "LLGLGG",
    "LLGGLG",
    "LLGGGL",
    "LGLLGG",
    "LGGLLG",
    "LGGGLL",
    "LGLGLG",
    "LGLGGL",
    "LGGLGL",
]


def ean13_with_check(twelve: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(twelve))
    return twelve + str((10 - total % 10) % 10)


def _ean13_modules(code: str) -> list[int]:
    right = ["".join("1" if b == "0" else "0" for b in pattern) for pattern in EAN_L]
    bits = "101"
    for digit, parity in zip(code[1:7], EAN_PARITY[int(code[0])], strict=True):
        bits += EAN_L[int(digit)] if parity == "L" else right[int(digit)][::-1]
    bits += "01010" + "".join(right[int(d)] for d in code[7:]) + "101"
    widths, run = [], 1  # run lengths, starting with a bar
    for previous, bit in zip(bits, bits[1:], strict=False):
        if bit == previous:
            run += 1
        else:
            widths.append(run)
            run = 1
    return [*widths, run]


def barcode_png(kind: str, value: str, *, photo: bool = False, module_px: int = 3) -> bytes:
    widths = {
        "code128": lambda: _modules_from_reportlab(code128.Code128(value, quiet=False)),
        "code39": lambda: _modules_from_reportlab(code39.Standard39(value, quiet=False, checksum=0)),
        "itf": lambda: _modules_from_reportlab(common.I2of5(value, quiet=False, checksum=0)),
        "ean13": lambda: _ean13_modules(value),
    }[kind]()
    quiet = 12 * module_px
    width, height = sum(widths) * module_px + 2 * quiet, 130
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    x = quiet
    for n, modules in enumerate(widths):
        if n % 2 == 0:
            draw.rectangle([x, 10, x + modules * module_px - 1, height - 25], fill=0)
        x += modules * module_px
    draw.text((quiet, height - 20), value, fill=0)
    if photo:  # a phone's picture of a printed label: tilted, soft, grey paper, dim ink, sensor noise
        image = image.rotate(4, resample=Image.BICUBIC, expand=True, fillcolor=255)
        image = image.filter(ImageFilter.GaussianBlur(1.1))
        image = image.point(lambda v: int(55 + v * 0.62))
        rng = random.Random(7)
        noise = Image.frombytes(
            "L", image.size, bytes(rng.randrange(256) for _ in range(image.width * image.height))
        )
        image = Image.blend(image, noise, 0.12)
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG")
    return out.getvalue()


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


# --- the served pages --------------------------------------------------------------------------------

SCAN_PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>scan</title></head><body>
<form id="scan-form" method="post" action="/scan/">
  <label for="id_code">Mã vận đơn</label>
  <input id="id_code" name="code" autocomplete="off">
  <button type="button" id="camera" data-camera-scan="#id_code" data-decoder-src="%(decoder)s"
          data-msg-denied="Quyền camera bị từ chối" data-msg-no-camera="Không tìm thấy camera"
          data-msg-insecure="Camera cần HTTPS"
          data-msg-scanning="Đưa mã vạch vào khung">Camera</button>
  <button type="submit">Quét</button>
</form>
<div id="camera-panel" hidden>
  <video playsinline muted style="width:100%%"></video>
  <div data-camera-message hidden></div>
  <button type="button" data-camera-close>Đóng camera</button>
</div>
<script src="/static/js/camera-scan.js"></script>
<script>
  window.submitted = [];
  document.getElementById("scan-form").addEventListener("submit", function (event) {
    event.preventDefault();  // htmx would post it; here the test only records it
    window.submitted.push({ code: event.target.code.value, viaRequestSubmit: event instanceof SubmitEvent });
  });
</script>
</body></html>
"""

# A stand-in camera: getUserMedia gives the stream of a 1280×720 canvas showing window.cameraImage.
FAKE_CAMERA = """
(() => {
  const camera = (window.fakeCamera = { requests: [], tracks: [], error: null, image: __IMAGE__, clutter: __CLUTTER__ });
  window.vibrated = [];
  navigator.vibrate = (ms) => { window.vibrated.push(ms); return true; };
  delete window.BarcodeDetector;  // Linux Chromium has none; the native path has its own test
  const getUserMedia = async (constraints) => {
    camera.requests.push(JSON.parse(JSON.stringify(constraints)));
    if (camera.error) throw new DOMException("stand-in refusal", camera.error);
    const canvas = document.createElement("canvas");
    canvas.width = 1280; canvas.height = 720;
    const context = canvas.getContext("2d");
    const image = new Image();
    if (camera.image) { image.src = camera.image; await image.decode(); }
    // the label around the barcode: print left and right of it, on the rows it is on
    const clutter = [];
    for (let i = 0; camera.clutter && i < 400; i++) {
      const x = i % 2 ? (i * 37) % 300 : 980 + ((i * 53) % 300);
      clutter.push([x, 180 + ((i * 71) % 360), 3 + (i % 9), 4 + (i % 13)]);
    }
    const draw = () => {
      context.fillStyle = "#d8d8d8"; context.fillRect(0, 0, 1280, 720);
      context.fillStyle = "#111";
      clutter.forEach(([x, y, w, h]) => context.fillRect(x, y, w, h));
      if (camera.image) context.drawImage(image, Math.round((1280 - image.width) / 2), Math.round((720 - image.height) / 2));
    };
    draw(); setInterval(draw, 60);
    const stream = canvas.captureStream(15);
    camera.tracks.push(...stream.getTracks());
    return stream;
  };
  Object.defineProperty(navigator, "mediaDevices", { configurable: true, value: { getUserMedia } });
})();
"""


class Site:
    """A browser context whose https://kygui.test/ is served from here, with a log of what it fetched."""

    def __init__(self, context):
        self.context, self.fetched = context, []
        context.route("**/*", self._serve)

    def _serve(self, route):
        url = urlparse(route.request.url)
        if f"{url.scheme}://{url.netloc}" not in (ORIGIN, PLAIN_HTTP):
            return route.abort()
        self.fetched.append(url.path)
        if url.path == "/":
            return route.fulfill(
                body=SCAN_PAGE % {"decoder": DECODER}, content_type="text/html; charset=utf-8"
            )
        if url.path.startswith("/static/"):
            path = (STATIC / url.path.removeprefix("/static/")).resolve()
            if path.is_file() and STATIC in path.parents:
                return route.fulfill(path=path)
        return route.fulfill(status=404, body="not found")

    def open(
        self,
        *,
        camera_image: bytes | None = None,
        clutter: bool = False,
        camera_error: str | None = None,
        extra_init: str = "",
        origin: str = ORIGIN,
    ):
        image = json.dumps(data_url(camera_image) if camera_image else None)
        page = self.context.new_page()
        page.add_init_script(
            FAKE_CAMERA.replace("__IMAGE__", image).replace("__CLUTTER__", json.dumps(clutter))
        )
        if camera_error:
            page.add_init_script(f"window.fakeCamera.error = {json.dumps(camera_error)};")
        if extra_init:
            page.add_init_script(extra_init)
        page.goto(origin + "/")
        return page


@pytest.fixture
def site(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="vi-VN")
    context.set_default_timeout(10_000)
    yield Site(context)
    context.close()


def decode(page, png: bytes, engine="zxing"):
    return page.evaluate(
        """async ([src, engine]) => {
            const image = new Image();
            image.src = src;
            await image.decode();
            return window.KyGuiCamera.decodeImage(image, { engine });
        }""",
        [data_url(png), engine],
    )


# --- decoding ----------------------------------------------------------------------------------------

SAMPLES = [
    ("code128", "KG25051234"),  # our order codes
    ("code128", "YT2512345678901"),  # YTO
    ("code128", "773312345678901"),  # STO / ZTO style, all digits
    ("code39", "JD0123456789"),
    ("itf", "12345678901231"),  # ITF-14
    ("ean13", ean13_with_check("690123456789")),
]


@pytest.mark.parametrize("photo", [False, True], ids=["sharp", "photo"])
@pytest.mark.parametrize(("kind", "value"), SAMPLES, ids=[f"{k}-{v}" for k, v in SAMPLES])
def test_decode_image_reads_the_couriers_barcodes(site, kind, value, photo):
    page = site.open()

    assert decode(page, barcode_png(kind, value, photo=photo)) == value


def test_an_image_without_a_barcode_reads_nothing(site):
    page = site.open()
    blank = io.BytesIO()
    Image.new("RGB", (400, 200), "white").save(blank, format="PNG")

    assert decode(page, blank.getvalue()) is None


def test_the_decoder_loads_only_when_needed(site):
    page = site.open()
    assert page.evaluate("typeof window.ZXing") == "undefined"
    assert DECODER not in site.fetched  # the station page stays light

    assert decode(page, barcode_png("code128", "KG00000001")) == "KG00000001"

    assert DECODER in site.fetched
    assert page.evaluate("typeof window.ZXing.MultiFormatReader") == "function"


# --- the camera --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("module_px", "clutter"),
    [(4, False), (3, True), (6, False)],
    ids=["in-the-guide", "print-around-the-barcode", "wider-than-the-guide"],
)
def test_camera_reads_fills_the_input_submits_and_stops(site, module_px, clutter):
    png = barcode_png("code128", "YT2512345678901", photo=True, module_px=module_px)
    page = site.open(camera_image=png, clutter=clutter)

    page.click("#camera")

    page.wait_for_function("window.submitted.length > 0")
    assert page.evaluate("window.submitted") == [{"code": "YT2512345678901", "viaRequestSubmit": True}]
    assert page.input_value("#id_code") == "YT2512345678901"
    assert page.locator("#camera-panel").is_hidden()
    assert page.evaluate("window.fakeCamera.tracks.map(t => t.readyState)") == ["ended"]
    assert page.evaluate("window.vibrated") == [120]
    [request] = page.evaluate("window.fakeCamera.requests")
    assert request["video"]["facingMode"] == "environment"
    assert page.get_attribute("#camera", "aria-expanded") == "false"
    assert not page.evaluate("window.KyGuiCamera.isOpen()")


def test_while_scanning_the_panel_shows_the_video_and_the_hint(site):
    page = site.open(camera_image=None)  # a camera looking at nothing readable

    page.click("#camera")

    page.wait_for_function("window.KyGuiCamera.isOpen()")
    assert page.locator("#camera-panel video").is_visible()
    page.wait_for_selector("[data-camera-message]:not([hidden])")
    assert page.inner_text("[data-camera-message]") == "Đưa mã vạch vào khung"
    assert page.evaluate("window.submitted") == []


@pytest.mark.parametrize(
    ("error", "shown"),
    [("NotAllowedError", "Quyền camera bị từ chối"), ("NotFoundError", "Không tìm thấy camera")],
)
def test_refused_or_missing_camera_says_so(site, error, shown):
    page = site.open(camera_error=error)

    page.click("#camera")

    message = page.locator("[data-camera-message]")
    message.wait_for(state="visible")
    assert message.inner_text() == shown
    assert message.get_attribute("role") == "alert"
    assert page.locator("#camera-panel video").is_hidden()
    page.click("[data-camera-close]")
    assert page.locator("#camera-panel").is_hidden()


def test_plain_http_says_the_camera_needs_https(site):
    page = site.open(origin=PLAIN_HTTP)

    page.click("#camera")

    message = page.locator("[data-camera-message]")
    message.wait_for(state="visible")
    assert message.inner_text() == "Camera cần HTTPS"
    assert page.evaluate("window.fakeCamera.requests") == []


def test_closing_the_panel_or_hiding_the_page_stops_the_camera(site):
    page = site.open(camera_image=None)

    page.click("#camera")
    page.wait_for_function("window.KyGuiCamera.isOpen()")
    page.click("[data-camera-close]")

    assert page.locator("#camera-panel").is_hidden()
    assert page.evaluate("window.fakeCamera.tracks.map(t => t.readyState)") == ["ended"]

    page.click("#camera")
    page.wait_for_function("window.KyGuiCamera.isOpen()")
    page.evaluate(
        """() => {
            Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
            document.dispatchEvent(new Event("visibilitychange"));
        }"""
    )

    assert page.evaluate("window.fakeCamera.tracks.map(t => t.readyState)") == ["ended", "ended"]
    assert page.locator("#camera-panel").is_hidden()


NATIVE_DETECTOR = """
window.detectorFormats = null;
window.BarcodeDetector = class {
  static async getSupportedFormats() { return %(supported)s; }
  constructor(options) { window.detectorFormats = options.formats; }
  async detect(source) {
    return source instanceof HTMLVideoElement ? [{ rawValue: "SF1400000000001", format: "code_128" }] : [];
  }
};
"""


def test_the_browsers_own_detector_is_used_when_it_reads_code128(site):
    page = site.open(
        camera_image=None,
        extra_init=NATIVE_DETECTOR % {"supported": json.dumps(["qr_code", "code_128", "ean_13", "itf"])},
    )

    page.click("#camera")

    page.wait_for_function("window.submitted.length > 0")
    assert page.evaluate("window.submitted[0].code") == "SF1400000000001"
    assert page.evaluate("window.detectorFormats") == ["code_128", "ean_13", "itf"]
    assert DECODER not in site.fetched  # no need for ZXing


def test_a_native_detector_without_code128_falls_back_to_zxing(site):
    page = site.open(
        camera_image=barcode_png("code128", "KG25051234"),
        extra_init=NATIVE_DETECTOR % {"supported": json.dumps(["qr_code"])},
    )

    page.click("#camera")

    page.wait_for_function("window.submitted.length > 0")
    assert page.evaluate("window.submitted[0].code") == "KG25051234"
    assert DECODER in site.fetched

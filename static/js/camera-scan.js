// Camera scanning for phones and handheld Android browsers, beside a barcode scanner's input.
//
// Markup (the strings come from the template, so they stay translatable):
//   <button type="button" data-camera-scan="#id_code" data-camera-panel="#camera-panel"
//           data-decoder-src="{% static 'vendor/zxing-library-0.23.0.min.js' %}"
//           data-msg-denied="…" data-msg-no-camera="…" data-msg-insecure="…" data-msg-busy="…"
//           data-msg-error="…" data-msg-scanning="…">…</button>
//   <div id="camera-panel" hidden><video playsinline muted></video>
//     <div data-camera-message hidden></div><button type="button" data-camera-close>…</button></div>
//
// Opening the panel starts the rear camera and reads 1D barcodes (Code128, EAN-13, Code39, ITF: what
// Chinese couriers print) continuously: with the browser's own BarcodeDetector where it has one that reads
// Code128, else with ZXing (vendor/zxing-library-*.min.js, from npm @zxing/library, Apache-2.0), loaded
// only then. ZXing reads the part of the picture inside the guide box, where labels are aimed, so text
// around a barcode does not hide it. A code of at least data-min-length (6) characters read twice in a row
// vibrates, stops the camera, goes into the target input, and its form is submitted with requestSubmit()
// so htmx handles it like a scanner's Enter. The camera stops when the panel is closed (its close button,
// Escape, the opening button again), when the page is hidden and when the page is left.
//
// window.KyGuiCamera: open(button), close(), isOpen(), decodeImage(imageOrCanvasOrVideo, {engine}) →
// a Promise of the text or null (engine "zxing" or "native"; by default the one the camera would use).
(function () {
  "use strict";

  const NATIVE_FORMATS = ["code_128", "ean_13", "code_39", "itf"];
  const ZXING_FORMATS = ["CODE_128", "EAN_13", "CODE_39", "ITF"];
  const FRAME_INTERVAL_MS = 100; // rest between two decodes of the video
  // A video frame is squeezed to at most this many rows (a 1D code needs rows, not height), fewer when
  // decoding takes longer than FRAME_BUDGET_MS on this device: the page stays responsive on slow phones.
  const MIN_ROWS = 32, START_ROWS = 96, MAX_ROWS = 160, FRAME_BUDGET_MS = 40;
  const CONFIRMATIONS = 2; // the same code read this many times in a row is taken
  const CONFIRM_WITHIN_MS = 1500;
  const DEFAULT_MIN_LENGTH = 6; // shorter reads are noise (tracking numbers and order codes are longer)
  const DEFAULT_MESSAGES = {
    denied: "Camera permission was refused. Allow the camera for this site in the browser's settings.",
    noCamera: "No camera was found on this device.",
    insecure: "The camera only works over HTTPS.",
    busy: "The camera is being used by another app.",
    error: "The camera could not be started.",
    scanning: "",
  };

  // --- decoders ------------------------------------------------------------------------------------------

  const scriptLoads = {};
  function loadScript(src) {
    if (!scriptLoads[src]) {
      scriptLoads[src] = new Promise(function (resolve, reject) {
        const script = document.createElement("script");
        script.src = src;
        script.async = true;
        script.onload = function () { resolve(); };
        script.onerror = function () { delete scriptLoads[src]; reject(new Error("could not load " + src)); };
        document.head.appendChild(script);
      });
    }
    return scriptLoads[src];
  }

  // Where the vendored ZXing is: the button says (the template knows the hashed static name); else next to
  // this script, for pages that did not say.
  const thisScript = document.currentScript && document.currentScript.src;
  function decoderSrc(button) {
    const given = button && button.getAttribute("data-decoder-src");
    if (given) return given;
    const fromPage = document.querySelector("[data-decoder-src]");
    if (fromPage) return fromPage.getAttribute("data-decoder-src");
    return thisScript ? thisScript.replace(/js\/camera-scan[^/]*\.js(\?.*)?$/, "vendor/zxing-library-0.23.0.min.js") : "";
  }

  // How ZXing reads a picture (camera-zxing.js), beside this script: loaded with ZXing, only when it is used.
  function helperSrc() {
    return thisScript ? thisScript.replace(/camera-scan[^/]*\.js(\?.*)?$/, "camera-zxing.js") : "/static/js/camera-zxing.js";
  }

  let nativeDetector = null; // a promise of a BarcodeDetector, or of null when the browser has none that fits
  function getNativeDetector() {
    if (!nativeDetector) {
      nativeDetector = (async function () {
        if (!("BarcodeDetector" in window)) return null;
        try {
          const supported = await window.BarcodeDetector.getSupportedFormats();
          const formats = NATIVE_FORMATS.filter(function (f) { return supported.indexOf(f) !== -1; });
          if (formats.indexOf("code_128") === -1) return null; // what our labels and most couriers print
          return new window.BarcodeDetector({ formats: formats });
        } catch (e) {
          return null;
        }
      })();
    }
    return nativeDetector;
  }

  let zxing = null; // a promise of {Z, reader}
  function getZXing(button) {
    if (!zxing) {
      zxing = (async function () {
        if (!window.ZXing) await loadScript(decoderSrc(button));
        if (!window.KyGuiCameraZXing) await loadScript(helperSrc());
        const Z = window.ZXing;
        // TRY_HARDER: every row of the picture, and the picture turned 90° when its source allows it
        const hints = new Map();
        hints.set(Z.DecodeHintType.POSSIBLE_FORMATS, ZXING_FORMATS.map(function (f) { return Z.BarcodeFormat[f]; }));
        hints.set(Z.DecodeHintType.TRY_HARDER, true);
        const oneD = new Z.MultiFormatOneDReader(hints); // 1D only: no QR or other 2D readers to run
        return { Z: Z, reader: { decode: function (bitmap) { return oneD.decode(bitmap, hints); } } };
      })();
      zxing.catch(function () { zxing = null; }); // a failed load may be tried again
    }
    return zxing;
  }

  async function nativeDecode(detector, source) {
    const found = await detector.detect(source);
    for (let i = 0; i < found.length; i++) {
      if (found[i].rawValue) return { text: found[i].rawValue, format: found[i].format };
    }
    return null;
  }

  // The decoder the camera uses: native when the browser has a fitting one, else ZXing.
  async function pickDecoder(button, engine) {
    if (engine !== "zxing") {
      const detector = await getNativeDetector();
      if (detector) return { kind: "native", detector: detector };
      if (engine === "native") throw new Error("this browser has no BarcodeDetector for Code128");
    }
    return { kind: "zxing", zxing: await getZXing(button) };
  }

  async function decodeWith(decoder, source, plan) {
    if (decoder.kind === "native") return nativeDecode(decoder.detector, source);
    return window.KyGuiCameraZXing.decode(decoder.zxing, source, plan);
  }

  async function decodeImage(source, options) {
    const engine = options && options.engine;
    if (source instanceof HTMLImageElement && !source.complete) {
      await new Promise(function (resolve, reject) { source.onload = resolve; source.onerror = reject; });
    }
    const decoder = await pickDecoder(null, engine);
    const result = await decodeWith(decoder, source, { binarizers: ["hybrid", "global"], mode: "thorough", region: null });
    return result ? result.text : null;
  }

  // --- the panel -----------------------------------------------------------------------------------------

  // The video sits in a view with a guide box over it; both are made here when the template has only a video.
  function prepareView(panel) {
    let video = panel.querySelector("video");
    if (!video) {
      video = document.createElement("video");
      panel.insertBefore(video, panel.firstChild);
    }
    let view = video.closest("[data-camera-view]");
    if (!view) {
      view = document.createElement("div");
      view.setAttribute("data-camera-view", "");
      view.style.cssText = "position:relative;overflow:hidden;background:#000;border-radius:.5rem;" +
        "height:min(55vh,360px)";
      video.parentNode.insertBefore(view, video);
      view.appendChild(video);
      video.style.cssText += ";display:block;width:100%;height:100%;object-fit:cover";
    }
    let guide = view.querySelector("[data-camera-guide]");
    if (!guide) {
      guide = document.createElement("div");
      guide.setAttribute("data-camera-guide", "");
      guide.setAttribute("aria-hidden", "true");
      guide.style.cssText = "position:absolute;left:7%;right:7%;top:32%;bottom:32%;pointer-events:none;" +
        "border:3px solid #fff;border-radius:.5rem;box-shadow:0 0 0 100vmax rgba(0,0,0,.35)";
      const line = document.createElement("div");
      line.style.cssText = "position:absolute;left:4%;right:4%;top:50%;border-top:2px solid #dc3545";
      guide.appendChild(line);
      view.appendChild(guide);
    }
    video.setAttribute("playsinline", "");
    video.setAttribute("autoplay", "");
    video.muted = true;
    return { video: video, view: view, guide: guide };
  }

  // The part of the video frame under the guide box, in frame pixels (object-fit cover, contain or fill).
  function guideRegion(video, guide) {
    const vw = video.videoWidth, vh = video.videoHeight;
    const box = video.getBoundingClientRect(), g = guide.getBoundingClientRect();
    if (!vw || !vh || !box.width || !box.height || !g.width || !g.height) return null;
    const fit = window.getComputedStyle(video).objectFit;
    let sx = box.width / vw, sy = box.height / vh;
    if (fit === "cover") sx = sy = Math.max(sx, sy);
    else if (fit === "contain" || fit === "scale-down") sx = sy = Math.min(sx, sy);
    const offsetX = (box.width - vw * sx) / 2, offsetY = (box.height - vh * sy) / 2;
    const x = Math.max(0, (g.left - box.left - offsetX) / sx), y = Math.max(0, (g.top - box.top - offsetY) / sy);
    const w = Math.min(vw - x, g.width / sx), h = Math.min(vh - y, g.height / sy);
    return w > 8 && h > 8 ? { x: x, y: y, w: w, h: h } : null;
  }

  // --- the camera ----------------------------------------------------------------------------------------

  const state = { button: null, panel: null, video: null, guide: null, stream: null, timer: null, session: 0 };

  function message(button, key) {
    const attr = "data-msg-" + key.replace(/[A-Z]/g, function (c) { return "-" + c.toLowerCase(); });
    return (button && button.getAttribute(attr)) || DEFAULT_MESSAGES[key];
  }

  function say(panel, text, kind) {
    let box = panel.querySelector("[data-camera-message]");
    if (!box) {
      box = document.createElement("div");
      box.setAttribute("data-camera-message", "");
      box.className = "alert alert-warning mt-2 mb-0";
      panel.insertBefore(box, panel.firstChild);
    }
    box.textContent = text || "";
    box.hidden = !text;
    box.setAttribute("role", kind === "error" ? "alert" : "status");
    box.setAttribute("data-kind", kind || "info");
  }

  function errorKey(error) {
    const name = error && error.name;
    if (name === "NotAllowedError" || name === "PermissionDeniedError" || name === "SecurityError") return "denied";
    if (name === "NotFoundError" || name === "DevicesNotFoundError" || name === "OverconstrainedError") return "noCamera";
    if (name === "NotReadableError" || name === "TrackStartError" || name === "AbortError") return "busy";
    return "error";
  }

  function stopStream() {
    clearTimeout(state.timer);
    state.timer = null;
    state.session += 1; // a decode still running for the old session is ignored when it ends
    if (state.stream) {
      state.stream.getTracks().forEach(function (track) { track.stop(); });
      state.stream = null;
    }
    if (state.video) {
      state.video.pause();
      state.video.srcObject = null;
    }
  }

  function close() {
    stopStream();
    if (state.panel) state.panel.hidden = true;
    if (state.button) {
      state.button.setAttribute("aria-expanded", "false");
      state.button.classList.remove("active");
    }
    state.button = state.panel = state.video = state.guide = null;
  }

  function fail(panel, button, key) {
    stopStream();
    const view = state.video && (state.video.closest("[data-camera-view]") || state.video);
    if (view) view.hidden = true;
    say(panel, message(button, key), "error");
  }

  async function open(button) {
    if (state.button === button) { close(); return; } // the same button again: close
    close();
    const panel = document.querySelector(button.getAttribute("data-camera-panel") || "#camera-panel");
    if (!panel) return;
    const parts = prepareView(panel);
    parts.view.hidden = false;
    Object.assign(state, { button: button, panel: panel, video: parts.video, guide: parts.guide });
    panel.hidden = false;
    button.setAttribute("aria-expanded", "true");
    if (panel.id) button.setAttribute("aria-controls", panel.id);
    button.classList.add("active");
    say(panel, "", "info");
    const session = state.session;

    if (!window.isSecureContext) return fail(panel, button, "insecure");
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return fail(panel, button, "noCamera");

    const decoderReady = pickDecoder(button); // loads ZXing, if needed, while the person answers the prompt
    decoderReady.catch(function () { /* reported below */ });
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        audio: false,
        video: { facingMode: "environment", width: { ideal: 1280 }, height: { ideal: 720 } },
      });
    } catch (error) {
      if (session === state.session) fail(panel, button, errorKey(error));
      return;
    }
    if (session !== state.session) { // closed while the permission prompt was open
      stream.getTracks().forEach(function (track) { track.stop(); });
      return;
    }
    state.stream = stream;
    const track = stream.getVideoTracks()[0];
    if (track && track.applyConstraints) {
      track.applyConstraints({ advanced: [{ focusMode: "continuous" }] }).catch(function () { /* not every camera */ });
    }
    parts.video.srcObject = stream;
    parts.video.play().catch(function () { /* a muted inline video plays anyway once it has frames */ });

    let decoder;
    try {
      decoder = await decoderReady;
    } catch (error) {
      if (session === state.session) fail(panel, button, "error");
      return;
    }
    if (session !== state.session) return;
    say(panel, message(button, "scanning"), "info");
    scanLoop(session, decoder, button);
  }

  function scanLoop(session, decoder, button) {
    const minLength = parseInt(button.getAttribute("data-min-length"), 10) || DEFAULT_MIN_LENGTH;
    let last = null, count = 0, lastAt = 0, frame = 0, rows = START_ROWS;
    async function tick() {
      if (session !== state.session) return;
      let result = null;
      const video = state.video;
      if (video && video.readyState >= 2) {
        // ZXing: the guide box with one binarizer, then the other; every fourth frame the whole picture.
        // (The browser's own detector reads the whole frame each time.)
        const n = frame++ % 4;
        const region = n === 3 ? null : guideRegion(video, state.guide);
        const plan = { binarizers: [n === 1 ? "global" : "hybrid"], mode: "rows", region: region, rows: rows };
        const started = performance.now();
        try {
          result = await decodeWith(decoder, video, plan);
        } catch (e) {
          result = null; // a frame that could not be read: the next one may be
        }
        const fitting = rows * FRAME_BUDGET_MS / Math.max(1, performance.now() - started);
        rows = Math.round(Math.min(MAX_ROWS, Math.max(MIN_ROWS, (rows + fitting) / 2)));
      }
      if (session !== state.session) return;
      const now = Date.now();
      if (result && result.text && result.text.length >= minLength) {
        count = result.text === last && now - lastAt < CONFIRM_WITHIN_MS ? count + 1 : 1;
        last = result.text;
        lastAt = now;
        if (count >= CONFIRMATIONS) return found(button, result);
      }
      state.timer = setTimeout(tick, FRAME_INTERVAL_MS);
    }
    tick();
  }

  function found(button, result) {
    if (navigator.vibrate) {
      try { navigator.vibrate(120); } catch (e) { /* not allowed here */ }
    }
    const input = document.querySelector(button.getAttribute("data-camera-scan"));
    close();
    if (!input) return;
    input.value = result.text;
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new CustomEvent("kygui:camera-scan", { bubbles: true, detail: result }));
    const form = input.form;
    if (!form) return;
    if (form.requestSubmit) {
      form.requestSubmit();
    } else if (form.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }))) {
      form.submit();
    }
  }

  document.addEventListener("click", function (event) {
    const opener = event.target.closest("[data-camera-scan]");
    if (opener) {
      event.preventDefault();
      open(opener);
      return;
    }
    if (event.target.closest("[data-camera-close]")) {
      event.preventDefault();
      close();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && state.panel) close();
  });
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) close();
  });
  window.addEventListener("pagehide", close);

  window.KyGuiCamera = {
    open: open,
    close: close,
    decodeImage: decodeImage,
    isOpen: function () { return !!state.stream; },
    formats: NATIVE_FORMATS.slice(),
  };
})();

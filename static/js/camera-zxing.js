// How ZXing reads a picture for camera-scan.js (loaded by it, with ZXing, only when the browser has no fitting
// BarcodeDetector): the region of a picture scaled onto a canvas, then decoded with each binarizer in turn.
(function () {
  "use strict";
  const MAX_FRAME_WIDTH = 1280; // larger pictures are scaled down before ZXing reads them

  function sourceSize(source) {
    if (source.videoWidth) return [source.videoWidth, source.videoHeight];
    if (source.naturalWidth) return [source.naturalWidth, source.naturalHeight];
    return [source.width, source.height];
  }

  // The region (in the source's pixels) of a picture, scaled down to maxWidth (and, on its own, to
  // maxHeight), on a reused canvas.
  let frameCanvas = null;
  function toCanvas(source, region, maxWidth, maxHeight) {
    const size = sourceSize(source);
    const r = region || { x: 0, y: 0, w: size[0], h: size[1] };
    if (!r.w || !r.h) return null;
    const scale = Math.min(1, maxWidth / r.w);
    const height = Math.min(r.h * scale, maxHeight || Infinity);
    if (!region && source instanceof HTMLCanvasElement && scale === 1 && height === r.h) return source;
    frameCanvas = frameCanvas || document.createElement("canvas");
    frameCanvas.width = Math.max(1, Math.round(r.w * scale));
    frameCanvas.height = Math.max(1, Math.round(height));
    const context = frameCanvas.getContext("2d", { willReadFrequently: true });
    context.drawImage(source, r.x, r.y, r.w, r.h, 0, 0, frameCanvas.width, frameCanvas.height);
    return frameCanvas;
  }

  // plan: {binarizers: ["hybrid", "global"], mode, region: {x, y, w, h} or null}. Modes:
  //   "thorough": every row, then the picture turned 90° (one still image);
  //   "rows": every row of the region squeezed to plan.rows rows, not turned (video frames).
  function zxingDecode(decoder, source, plan) {
    const Z = decoder.Z;
    const rows = plan.mode === "rows";
    const canvas = rows ? toCanvas(source, plan.region, MAX_FRAME_WIDTH, plan.rows) : toCanvas(source, plan.region, 2400);
    if (!canvas) return null;
    const luminance = new Z.HTMLCanvasElementLuminanceSource(canvas);
    if (rows) luminance.isRotateSupported = function () { return false; }; // no 90° retry on video frames
    const reader = decoder.reader;
    for (let i = 0; i < plan.binarizers.length; i++) {
      const Binarizer = plan.binarizers[i] === "global" ? Z.GlobalHistogramBinarizer : Z.HybridBinarizer;
      try {
        const result = reader.decode(new Z.BinaryBitmap(new Binarizer(luminance)));
        return { text: result.getText(), format: String(Z.BarcodeFormat[result.getBarcodeFormat()]).toLowerCase() };
      } catch (e) {
        // NotFound, Checksum, Format…: nothing readable in this picture with this binarizer
      }
    }
    return null;
  }

  window.KyGuiCameraZXing = { decode: zxingDecode };
})();

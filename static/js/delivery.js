// The depot counter and the release-note scan: each outcome has its own sound, and the cursor comes back to
// the scan input. Outcomes come from the page: an element with data-delivery-outcome (ok, again, empty,
// list, refused), on load and after each htmx swap.
(function () {
  "use strict";

  const TONES = { ok: [880, 1320], again: [660, 660], empty: [440, 440], list: [660], refused: [220, 160, 220] };
  let audio = null;
  function beep(outcome) {
    const tones = TONES[outcome];
    if (!tones) return;
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      tones.forEach(function (freq, i) {
        const osc = audio.createOscillator(); const gain = audio.createGain();
        osc.type = outcome === "refused" ? "square" : "sine";
        osc.frequency.value = freq; osc.connect(gain); gain.connect(audio.destination);
        const t = audio.currentTime + i * 0.18; gain.gain.setValueAtTime(0.2, t);
        osc.start(t); osc.stop(t + 0.14);
      });
    } catch (e) { /* no audio here */ }
  }
  function scanInput() { return document.querySelector("[data-delivery-scan] .scan-input"); }
  function refocus() {
    const input = scanInput();
    if (input) { input.value = ""; input.focus(); }
  }
  function announce(root) {
    const el = root && root.matches && root.matches("[data-delivery-outcome]") ? root : (root || document).querySelector("[data-delivery-outcome]");
    if (el) {
      const outcome = el.getAttribute("data-delivery-outcome");
      beep(outcome);
      document.body.setAttribute("data-last-outcome", outcome || "");
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { announce(document); });
  else announce(document);
  document.addEventListener("htmx:afterSwap", function (event) {
    // An outerHTML swap leaves the old element in event.detail.target: read the one now in the page.
    const target = event.detail.target;
    const swapped = target && target.id ? document.getElementById(target.id) : null;
    if (swapped && swapped.matches("[data-delivery-outcome]")) { announce(swapped); refocus(); }
  });
})();

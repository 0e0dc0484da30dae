// Small behaviours: copy buttons, language auto-submit, select-all, and the scan station's focus and sounds.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-copy]");
    if (!button) return;
    const text = button.getAttribute("data-copy");
    const done = function () {
      const label = button.textContent;
      button.textContent = "✓";
      button.classList.add("btn-success");
      setTimeout(function () { button.textContent = label; button.classList.remove("btn-success"); }, 1200);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
    } else { fallbackCopy(text); done(); }
  });

  function fallbackCopy(text) {
    const area = document.createElement("textarea");
    area.value = text; area.setAttribute("readonly", ""); area.style.position = "absolute"; area.style.left = "-9999px";
    document.body.appendChild(area); area.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing more to do */ }
    document.body.removeChild(area);
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-autosubmit]")) event.target.form.submit();
    const all = event.target.closest("[data-check-all]");
    if (all) {
      const name = all.getAttribute("data-check-all");
      all.form.querySelectorAll('input[name="' + name + '"]').forEach(function (box) { box.checked = all.checked; });
    } else if (event.target.form && event.target.name) {
      syncCheckAll(event.target.form);
    }
  });
  // A "tick all" box shows whether every box of its list is ticked (a page drawn again after an error keeps
  // the person's own choice of boxes).
  function syncCheckAll(form) {
    form.querySelectorAll("[data-check-all]").forEach(function (all) {
      const boxes = form.querySelectorAll('input[name="' + all.getAttribute("data-check-all") + '"]');
      all.checked = boxes.length > 0 && Array.prototype.every.call(boxes, function (box) { return box.checked; });
    });
  }
  function syncCheckAllIn(root) {
    root.querySelectorAll("form [data-check-all]").forEach(function (all) { if (all.form) syncCheckAll(all.form); });
  }
  syncCheckAllIn(document);
  // A list htmx draws again in place (the counter after a refused handover) is synced too.
  document.addEventListener("htmx:afterSettle", function () { syncCheckAllIn(document); });

  // Scan station: the cursor always comes back to the scan input, and each outcome has its own sound.
  const scanInput = function () { return document.querySelector("#scan-form .scan-input"); };
  // On a touch screen, focusing a text field opens the keyboard over the panels: the station only focuses
  // the scan input where a keyboard or a scanner is attached (a fine pointer). A scanner's keys still reach
  // the input on a phone (the keydown handler below). The page never scrolls to the input by itself.
  const touchOnly = window.matchMedia && window.matchMedia("(pointer: coarse)").matches && !window.matchMedia("(any-pointer: fine)").matches;
  function focusScan(input) {
    if (!input) return;
    if (touchOnly) {
      if (document.activeElement && document.activeElement.blur && document.activeElement !== document.body) document.activeElement.blur();
      return;
    }
    try { input.focus({ preventScroll: true }); } catch (e) { input.focus(); }
  }
  let audio = null;
  function beep(outcome) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      const tones = { matched: [880], piece: [880, 990], duplicate: [660, 660], unidentified: [440, 330], conflict: [220, 220, 220], error: [200, 150] };
      (tones[outcome] || []).forEach(function (freq, i) {
        const osc = audio.createOscillator(); const gain = audio.createGain();
        osc.frequency.value = freq; osc.connect(gain); gain.connect(audio.destination);
        const t = audio.currentTime + i * 0.16; gain.gain.setValueAtTime(0.2, t);
        osc.start(t); osc.stop(t + 0.12);
      });
    } catch (e) { /* no audio here */ }
  }
  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.target.id === "scan-form") {
      const input = scanInput();
      if (input) { input.value = ""; if (!touchOnly) input.focus(); }
    }
  });
  // The last scans of this station survive a reload or a language switch: kept in this browser.
  const recent = document.getElementById("recent-scans");
  const recentKey = recent ? "recent-scans:" + recent.getAttribute("data-station") : null;
  if (recent) {
    try { recent.innerHTML = localStorage.getItem(recentKey) || ""; } catch (e) { /* storage disabled */ }
    // Kept entries were rendered in the language of their scan: their words follow this page's language.
    recent.querySelectorAll("[data-label]").forEach(function (el) {
      const text = recent.getAttribute("data-label-" + el.getAttribute("data-label"));
      if (text) el.textContent = text;
    });
  }
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    if (!recent || event.detail.target !== recent) return;
    while (recent.children.length > 30) recent.removeChild(recent.lastElementChild);
    try { localStorage.setItem(recentKey, recent.innerHTML); } catch (e) { /* storage full or disabled */ }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target.id === "scan-result") beep(event.target.getAttribute("data-outcome"));
    // A panel of the station card was saved: the next thing the station does is scan again.
    // It stays where it is (the panel just saved, not the top of the page); on a phone the keyboard closes.
    if (event.target.classList && event.target.classList.contains("station-panel") && !event.target.querySelector(".is-invalid, .invalid-feedback")) {
      focusScan(scanInput());
    }
  });
  // A "heavier than usual / far from its parcels: save anyway?" box came back: bring it to the middle of the
  // screen and give it the focus (Space ticks it), so the worker sees it instead of a red border at the edge.
  function showConfirm(root) {
    const box = root && root.querySelector && root.querySelector("[data-confirm-box]");
    if (!box) return false;
    box.scrollIntoView({ block: "center" });
    try { box.focus({ preventScroll: true }); } catch (e) { box.focus(); }
    return true;
  }
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target && event.target.isConnected) showConfirm(event.target);
  });
  document.addEventListener("DOMContentLoaded", function () { showConfirm(document); });
  document.addEventListener("keydown", function (event) {
    // A scanner "types" into whatever has focus: if nothing editable has it, send the keys to the scan input.
    const input = scanInput();
    if (!input || event.ctrlKey || event.metaKey || event.altKey) return;
    const active = document.activeElement;
    if (active && (active.tagName === "INPUT" || active.tagName === "TEXTAREA" || active.tagName === "SELECT")) return;
    if (event.key.length === 1) input.focus();
  });
})();

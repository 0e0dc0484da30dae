// The dispatch list's scan field: a scanned label (KG00001234, KG00001234-2) or tracking number ticks its
// order's row in place, scrolls to it and says so; the field empties for the next scan. Enter in the field
// never submits the dispatch form (the field has a form of its own, which works without JavaScript).
(function () {
  "use strict";
  const form = document.getElementById("dispatch-scan");
  if (!form) return;
  const input = form.querySelector("input[name=tick]");
  const status = form.querySelector("[data-testid=dispatch-scan-status]");
  const counter = document.querySelector("[data-testid=dispatch-selected]");

  function clean(raw) {
    // What a scanner sends around the data: spaces, control characters, an AIM identifier (]C1).
    let text = (raw || "").normalize("NFKC").trim().toUpperCase();
    if (/^\][A-Z][0-9A-Z]/.test(text)) text = text.slice(3).trim();
    return text.replace(/\s+/g, "");
  }
  function count() {
    if (!counter) return;
    const n = document.querySelectorAll('#dispatch-form input[name="ids"]:checked').length;
    counter.textContent = n ? counter.getAttribute("data-template").replace("%(n)s", n) : "";
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const code = clean(input.value);
    input.value = "";
    if (!code) return;
    const order = code.replace(/-\d+$/, "");
    const row = [...document.querySelectorAll("[data-testid=dispatch-row]")].find(function (tr) {
      const codes = tr.getAttribute("data-codes").split(" ");
      return codes.includes(code) || codes.includes(order);
    });
    status.classList.remove("text-success", "text-danger");
    if (!row) {
      status.textContent = code + " " + form.getAttribute("data-msg-missing");
      status.classList.add("text-danger");
      return;
    }
    const box = row.querySelector('input[name="ids"]');
    box.checked = true;
    row.classList.add("table-success");
    row.scrollIntoView({ block: "nearest" });
    status.textContent = row.getAttribute("data-codes").split(" ")[0] + ": " + form.getAttribute("data-msg-ticked");
    status.classList.add("text-success");
    count();
  });
  document.addEventListener("change", count);
  count();
})();

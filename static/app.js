// claimdesk page behaviour. htmx sends the CSRF token with every request it
// makes, read from the hidden field the page renders.
document.addEventListener("htmx:configRequest", function (e) {
  var field = document.querySelector("input[name=_csrf]");
  if (field) e.detail.headers["X-CSRF-Token"] = field.value;
});

// Show desk errors that htmx did not swap in (e.g. an expired form token).
document.addEventListener("htmx:responseError", function (e) {
  var box = document.getElementById("toast");
  if (!box) {
    box = document.createElement("div");
    box.id = "toast";
    box.setAttribute("role", "alert");
    document.body.appendChild(box);
  }
  var status = e.detail.xhr.status;
  box.textContent = status === 403
    ? "Your session or form token has expired. Reload the page and try again."
    : status === 413 ? "That is too large to save." : "Could not save (error " + status + "). Your text is still in the form.";
  box.className = "show";
  setTimeout(function () { box.className = ""; }, 6000);
});

// Intake: selecting words inside one sentence fills the claim form's byte
// span. Offsets are UTF-8 bytes, as the server counts them.
(function () {
  var enc = new TextEncoder();
  function bytes(s) { return enc.encode(s).length; }
  document.addEventListener("mouseup", function () {
    var sel = window.getSelection();
    var start = document.getElementById("span-start");
    var note = document.getElementById("selection-note");
    if (!start || !sel || sel.rangeCount === 0) return;
    var end = document.getElementById("span-end");
    var r = sel.getRangeAt(0);
    var a = r.startContainer.parentElement && r.startContainer.parentElement.closest(".sent-text");
    var b = r.endContainer.parentElement && r.endContainer.parentElement.closest(".sent-text");
    if (!a || a !== b || r.collapsed) return;
    var text = a.textContent;
    var base = parseInt(a.parentElement.dataset.start, 10);
    var s = r.startOffset, t = r.endOffset;
    while (s < t && /\s/.test(text[s])) s++;
    while (t > s && /\s/.test(text[t - 1])) t--;
    if (s >= t) return;
    start.value = base + bytes(text.slice(0, s));
    end.value = base + bytes(text.slice(0, t));
    note.textContent = "Selected: \u201c" + text.slice(s, t) + "\u201d";
    document.querySelectorAll("input[name=sel]").forEach(function (c) { c.checked = false; });
  });
  document.addEventListener("change", function (e) {
    if (e.target.name === "sel") {
      var start = document.getElementById("span-start");
      if (start) { start.value = ""; document.getElementById("span-end").value = ""; }
    }
  });
})();

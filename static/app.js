// claimdesk page behaviour. Every page works without it; with it, the desk
// saves in place, warns before unsaved input is lost, opens conflicts
// field by field, and the intake view works from the keyboard.
document.documentElement.classList.add("js");

// htmx sends the CSRF token with every request it makes, read from the
// hidden field the page renders. A claim write carries the version the
// page last saw (#claim-state, refreshed by every write's answer), so the
// forms of a page never send a version their own earlier save made stale;
// a colleague's save still makes it stale, and the desk answers 409.
document.addEventListener("htmx:configRequest", function (e) {
  var field = document.querySelector("input[name=_csrf]");
  if (field) e.detail.headers["X-CSRF-Token"] = field.value;
  var state = document.getElementById("claim-state");
  var params = e.detail.parameters;
  if (state && params && params.version !== undefined && params.version !== null) {
    params.version = state.dataset.version;
  }
  var form = e.detail.elt;
  if (form && form.tagName === "FORM" && form.hasAttribute("data-warn-unsaved")) {
    form._sent = values(form);
  }
});

// Show desk errors that htmx did not swap in (e.g. an expired form token).
function toast(message) {
  var box = document.getElementById("toast");
  if (!box) {
    box = document.createElement("div");
    box.id = "toast";
    box.setAttribute("role", "alert");
    document.body.appendChild(box);
  }
  box.textContent = message;
  box.className = "show";
  setTimeout(function () { box.className = ""; }, 6000);
}
document.addEventListener("htmx:responseError", function (e) {
  var status = e.detail.xhr.status;
  toast(status === 401
    ? "Your session has ended. Log in again in another tab, then try again here: your text is still in the form."
    : status === 403
    ? "Your session or form token has expired. Reload the page and try again."
    : status === 413 ? "That is too large to save." : "Could not save (error " + status + "). Your text is still in the form.");
});
document.addEventListener("htmx:sendError", function () {
  toast("The desk could not be reached. Your text is still in the form; it will be saved when you try again.");
});

// ---- Unsaved input ------------------------------------------------------
// A form marked data-warn-unsaved is dirty when a field differs from the
// value the page was rendered with, or last saved. Leaving the page then
// asks first.
function fields(form) {
  return Array.prototype.filter.call(form.elements, function (el) {
    return el.name && !el.disabled && el.type !== "hidden" && el.type !== "submit" && el.type !== "button";
  });
}
function values(form) {
  var out = {};
  fields(form).forEach(function (el) {
    if (el.type === "radio") { if (el.checked) out[el.name] = el.value; }
    else if (el.type === "checkbox") out[el.name + "=" + el.value] = el.checked;
    else out[el.name] = el.value;
  });
  return out;
}
function changed(el) {
  if (el.type === "radio" || el.type === "checkbox") return el.checked !== el.defaultChecked;
  if (el.tagName === "SELECT") {
    return Array.prototype.some.call(el.options, function (o) { return o.selected !== o.defaultSelected; }) &&
      !(el.selectedIndex === 0 && !Array.prototype.some.call(el.options, function (o) { return o.defaultSelected; }));
  }
  return el.value !== el.defaultValue;
}
function dirty(form) { return fields(form).some(changed); }
// markSaved makes the values a form sent its new baseline.
function markSaved(form, sent) {
  fields(form).forEach(function (el) {
    if (el.type === "radio") { el.defaultChecked = sent[el.name] === el.value; return; }
    if (el.type === "checkbox") { var k = el.name + "=" + el.value; if (k in sent) el.defaultChecked = sent[k]; return; }
    if (!(el.name in sent)) return;
    if (el.tagName === "SELECT") {
      Array.prototype.forEach.call(el.options, function (o) { o.defaultSelected = o.value === sent[el.name]; });
    } else {
      el.defaultValue = sent[el.name];
    }
  });
  showDirty(form);
}
var leaving = false;
document.addEventListener("submit", function (e) {
  // A plain form submission leaves the page on purpose.
  var f = e.target;
  if (!f.hasAttribute("data-hx-post") && !f.hasAttribute("hx-post")) leaving = true;
}, true);
window.addEventListener("pageshow", function () { leaving = false; });
window.addEventListener("beforeunload", function (e) {
  if (leaving) return;
  var forms = document.querySelectorAll("form[data-warn-unsaved]");
  for (var i = 0; i < forms.length; i++) {
    if (dirty(forms[i])) {
      e.preventDefault();
      e.returnValue = "";
      return "";
    }
  }
});
document.addEventListener("htmx:afterRequest", function (e) {
  var form = e.detail.elt;
  var ok = e.detail.xhr && e.detail.xhr.status >= 200 && e.detail.xhr.status < 300;
  if (form && form._sent && ok && form.isConnected) {
    markSaved(form, form._sent);
  }
  if (form && form.id === "claim-form") afterSave(form, e.detail.xhr.status);
});

// ---- Workflow steps keep what is typed elsewhere ------------------------
// A workflow step (submit, return, withdraw, publish, correct, retract)
// answers with the whole editor. A form marked data-keep-draft (the
// comment) is in every state of the editor: what is typed in it is carried
// into the new one. Any other form with unsaved text may not come back
// (a half-added source, a note to the author), so the step asks first.
function namesOfDirty(elt) {
  var included = elt.getAttribute("data-hx-include");
  var names = [];
  document.querySelectorAll("#editor form[data-warn-unsaved]:not([data-keep-draft])").forEach(function (f) {
    // A control inside a form speaks for it: the correction's Cancel
    // drops what was typed in it on purpose.
    if (f === elt || f.contains(elt) || included && f.matches(included) || !dirty(f)) return;
    names.push(f.getAttribute("data-draft") || "a form");
  });
  return names;
}
document.addEventListener("htmx:confirm", function (e) {
  var elt = e.detail.elt;
  if (!elt || elt.getAttribute("data-hx-target") !== "#editor") return;
  var names = namesOfDirty(elt);
  if (!names.length) return;
  e.preventDefault();
  var q = "What you typed in \u201c" + names.join("\u201d and \u201c") + "\u201d is not saved and would be lost. Go on anyway?";
  if (window.confirm(q)) e.detail.issueRequest(true);
});
var carried = null;
document.addEventListener("htmx:beforeSwap", function (e) {
  if (!e.detail.shouldSwap || !e.detail.target || e.detail.target.id !== "editor") return;
  carried = [];
  document.querySelectorAll("#editor form[data-keep-draft]").forEach(function (f) {
    var typed = {};
    fields(f).forEach(function (el) { if (changed(el) && el.type !== "radio" && el.type !== "checkbox") typed[el.name] = el.value; });
    if (f.id && Object.keys(typed).length) carried.push({ id: f.id, typed: typed });
  });
});
document.addEventListener("htmx:afterSwap", function () {
  if (!carried) return;
  carried.forEach(function (d) {
    var f = document.getElementById(d.id);
    if (!f) return;
    // Restored as typed, not as saved: the form stays dirty.
    fields(f).forEach(function (el) { if (el.name in d.typed && !el.matches(":disabled")) el.value = d.typed[el.name]; });
    showDirty(f);
  });
  carried = null;
});

// ---- Autosave ------------------------------------------------------------
// The claim form saves itself a moment after the last keystroke (its
// answer brings the new version and "Saved · just now"); Save saves at once.
// Only a draft's form is marked data-autosave: in correction mode the form
// publishes a correction, which only its button does.
var autosaveDelay = 1500, timer = null;
function claimForm() { return document.getElementById("claim-form"); }
function unsettled() { return document.querySelectorAll("#conflict .conflict-field").length; }
function showDirty(form) {
  if (form.id !== "claim-form") return;
  var d = dirty(form);
  form.classList.toggle("is-dirty", d);
  var note = document.getElementById("unsaved-note");
  if (note) note.hidden = !d;
}
function scheduleAutosave(form) {
  clearTimeout(timer);
  if (!form.hasAttribute("data-autosave")) return;
  timer = setTimeout(function () {
    if (!form.isConnected || !dirty(form) || unsettled()) return;
    htmx.trigger(form, "autosave");
  }, autosaveDelay);
}
function onEdit(e) {
  var form = e.target.form;
  if (!form) return;
  showDirty(form);
  if (form.id === "claim-form") scheduleAutosave(form);
  if (e.target.id === "statement") statementHint(e.target);
}
document.addEventListener("input", onEdit);
document.addEventListener("change", onEdit);
document.addEventListener("submit", function (e) {
  if (e.target.id === "claim-form" && unsettled()) {
    e.preventDefault();
    e.stopImmediatePropagation();
    var first = document.querySelector("#conflict .conflict-field button");
    setFeedback("Choose, for each field above, whether to keep yours or take theirs; then it saves.");
    if (first) first.focus();
  }
}, true);
function setFeedback(msg) {
  var fb = document.getElementById("save-feedback");
  if (fb) { fb.innerHTML = ""; var p = document.createElement("p"); p.setAttribute("role", "status"); p.textContent = msg; fb.appendChild(p); }
}
function afterSave(form, status) {
  if (status === 409) openConflict(form);
  if (dirty(form)) scheduleAutosave(form);
}

// The statement's length hint follows the typing.
function statementHint(input) {
  var hint = document.getElementById("statement-hint");
  if (!hint) return;
  var n = Array.from(input.value).length, limit = parseInt(input.dataset.advised || "75", 10);
  hint.classList.toggle("warn", n > limit);
  hint.textContent = n > limit
    ? "Over " + limit + " characters (" + n + "): search engines cut it short. Aim for one line."
    : n + " of " + limit + " characters: search engines cut longer ones.";
}

// ---- Conflicts, field by field -------------------------------------------
function formField(form, name) { return form.querySelector("[name='" + name + "']"); }
function setField(form, name, value, asSaved) {
  var el = formField(form, name);
  if (!el) return;
  el.value = value;
  if (asSaved) {
    if (el.tagName === "SELECT") Array.prototype.forEach.call(el.options, function (o) { o.defaultSelected = o.value === value; });
    else el.defaultValue = value;
  }
  if (el.id === "statement") statementHint(el);
}
function openConflict(form) {
  var box = document.querySelector("#conflict .conflict");
  if (!box) return;
  // Fields only the colleague changed come into the form as saved values.
  box.querySelectorAll(".taken").forEach(function (t) {
    setField(form, t.dataset.field, t.querySelector(".theirs-value").value, true);
  });
  if (box.hasAttribute("data-locked")) return;
  if (!unsettled() && dirty(form)) {
    // Nothing the editor typed collides: save it on top of theirs.
    htmx.trigger(form, "autosave");
  }
}
function settle(row, takeTheirs) {
  var form = claimForm();
  var name = row.dataset.field;
  var theirs = row.querySelector(".theirs-value").value;
  if (takeTheirs) setField(form, name, theirs, false);
  var next = row.nextElementSibling || row.previousElementSibling;
  var list = row.parentElement;
  row.remove();
  if (next && list.contains(next)) {
    next.querySelector("button").focus();
    return;
  }
  // The last field is settled: save the choices now.
  var box = document.querySelector("#conflict .conflict");
  if (box) {
    box.querySelector("p").textContent = "Every field is settled; saving your choices.";
  }
  var el = formField(form, name);
  if (el) el.focus();
  htmx.trigger(form, "autosave");
}
document.addEventListener("click", function (e) {
  var b = e.target.closest ? e.target.closest(".keep-mine, .take-theirs") : null;
  if (b) settle(b.closest(".conflict-field"), b.classList.contains("take-theirs"));
});

// ---- Sources: a looked-up address fills the fields still empty ----------
document.addEventListener("htmx:afterSwap", function (e) {
  var r = document.getElementById("ev-lookup-result");
  if (!r || e.detail.target !== r && !r.contains(e.detail.target) && e.detail.elt && !e.detail.elt.closest("#ev-add")) return;
  var form = document.getElementById("ev-add");
  if (!form) return;
  [["title", r.dataset.title], ["publisher", r.dataset.publisher], ["published_at", r.dataset.date]].forEach(function (f) {
    var el = formField(form, f[0]);
    if (el && f[1] && !el.value.trim()) el.value = f[1];
  });
  var url = formField(form, "url");
  if (url && r.dataset.url && url.value.trim() && url.value.trim() !== r.dataset.url) url.value = r.dataset.url;
});

// ---- "Saved · 5 s ago" ----------------------------------------------------
function ago(iso) {
  var s = Math.round((Date.now() - Date.parse(iso)) / 1000);
  if (!(s >= 0) || s < 3) return "just now";
  if (s < 60) return s + " s ago";
  if (s < 3600) return Math.floor(s / 60) + " min ago";
  return null;
}
function tick() {
  document.querySelectorAll("time[data-relative]").forEach(function (t) {
    var text = ago(t.getAttribute("datetime"));
    if (!t.title) t.title = t.textContent;
    t.textContent = text || t.title;
  });
}
document.addEventListener("htmx:afterSettle", tick);
document.addEventListener("DOMContentLoaded", tick);
setInterval(tick, 5000);

// ---- Intake: suggestions from the keyboard -------------------------------
// j/k or ↓/↑ move between suggested sentences, x selects one, c makes
// claims from the selected (or the current) ones, Enter picks a phrase of
// the current one into the form.
function suggestions() {
  return Array.prototype.filter.call(document.querySelectorAll("#sugg-list > li.sugg"), function (li) { return li.offsetParent !== null; });
}
function focusItem(li) {
  if (!li) return;
  document.querySelectorAll("#sugg-list > li.sugg").forEach(function (x) { x.tabIndex = -1; });
  li.tabIndex = 0;
  li.focus();
}
function typing(el) {
  return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) && !(el.type === "checkbox" || el.type === "radio"));
}
function updateSelection() {
  var boxes = document.querySelectorAll("#sugg-list input[name=sel]:checked");
  var bar = document.getElementById("selbar");
  if (!bar) return;
  var n = boxes.length;
  bar.hidden = n === 0;
  document.getElementById("selbar-count").textContent = n + " selected";
  var note = document.getElementById("selection-note");
  if (note && n > 0) note.textContent = n === 1 ? "1 sentence selected: it becomes one claim." : n + " sentences selected: each becomes a claim of its own.";
}
function pickPhrase(li) {
  var phrase = document.getElementById("phrase");
  if (!phrase) return;
  document.querySelectorAll("#sugg-list input[name=sel]").forEach(function (c) { c.checked = false; });
  updateSelection();
  phrase.value = li.dataset.claim;
  document.getElementById("phrase-within").value = li.dataset.start + ":" + li.dataset.end;
  // The suggestion's speaker fills "Who made the claim?" unless someone
  // typed there: an empty field, or one an earlier pick filled, takes it.
  var who = document.getElementById("claimant");
  if (who && li.dataset.claimant && (!who.value.trim() || who.value === who.dataset.picked)) {
    who.value = who.dataset.picked = li.dataset.claimant;
  }
  var note = document.getElementById("selection-note");
  if (note) note.textContent = "Trim the phrase to the words you check, then press Create claims.";
  phrase.focus();
  phrase.setSelectionRange(0, phrase.value.length);
}
document.addEventListener("keydown", function (e) {
  var list = document.getElementById("sugg-list");
  if (!list || e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
  var items = suggestions();
  if (!items.length) return;
  var cur = e.target.closest ? e.target.closest("#sugg-list > li.sugg") : null;
  var i = cur ? items.indexOf(cur) : -1;
  var k = e.key;
  if (k === "j" || k === "ArrowDown" && cur) {
    e.preventDefault();
    focusItem(items[Math.min(i + 1, items.length - 1)]);
  } else if (k === "k" || k === "ArrowUp" && cur) {
    e.preventDefault();
    focusItem(items[Math.max(i - 1, 0)]);
  } else if (k === "x" && cur) {
    var box = cur.querySelector("input[name=sel]");
    if (box) { e.preventDefault(); box.checked = !box.checked; updateSelection(); }
  } else if (k === "c") {
    var form = document.getElementById("claims-form");
    if (!form) return;
    e.preventDefault();
    if (document.querySelector("#sugg-list input[name=sel]:checked")) {
      document.getElementById("phrase").value = "";
      form.requestSubmit(document.getElementById("create-claims"));
    } else if (cur && cur.querySelector("button.mk")) {
      document.getElementById("phrase").value = "";
      form.requestSubmit(cur.querySelector("button.mk"));
    }
  } else if (k === "Enter" && cur && e.target === cur) {
    e.preventDefault();
    pickPhrase(cur);
  }
});
document.addEventListener("focusin", function (e) {
  var li = e.target.closest ? e.target.closest("#sugg-list > li.sugg") : null;
  if (li) {
    document.querySelectorAll("#sugg-list > li.sugg").forEach(function (x) { x.tabIndex = x === li ? 0 : -1; });
  }
});
document.addEventListener("change", function (e) {
  if (e.target.name === "sel") {
    var phrase = document.getElementById("phrase");
    if (phrase && e.target.checked) phrase.value = "";
    updateSelection();
  }
});
document.addEventListener("click", function (e) {
  // "+ claim" makes a claim of its sentence, not of a phrase typed earlier.
  if (e.target.closest && e.target.closest("button.mk")) {
    var phrase = document.getElementById("phrase");
    if (phrase) phrase.value = "";
  }
});

// Intake: selecting words inside one sentence of the text picks them as
// the phrase of a claim, anchored in that sentence.
document.addEventListener("mouseup", function () {
  var sel = window.getSelection();
  var phrase = document.getElementById("phrase");
  if (!phrase || !sel || sel.rangeCount === 0) return;
  var r = sel.getRangeAt(0);
  var a = r.startContainer.parentElement && r.startContainer.parentElement.closest(".sent");
  var b = r.endContainer.parentElement && r.endContainer.parentElement.closest(".sent");
  if (!a || a !== b || r.collapsed) return;
  var text = sel.toString().trim();
  if (!text) return;
  document.querySelectorAll("#sugg-list input[name=sel]").forEach(function (c) { c.checked = false; });
  updateSelection();
  phrase.value = text;
  document.getElementById("phrase-within").value = a.dataset.start + ":" + a.dataset.end;
  document.getElementById("selection-note").textContent = "Selected: \u201c" + text + "\u201d";
});

// ---- The phone menu -------------------------------------------------------
document.addEventListener("click", function (e) {
  var b = e.target.closest ? e.target.closest(".menu-toggle") : null;
  if (!b) return;
  var nav = document.getElementById(b.getAttribute("aria-controls"));
  var open = b.getAttribute("aria-expanded") !== "true";
  b.setAttribute("aria-expanded", open ? "true" : "false");
  nav.classList.toggle("open", open);
});

// ---- Phone folds -----------------------------------------------------------
// Panels marked data-fold-on-phone (the queue's filters) start folded on a
// narrow screen, so the list comes first; without script they stay open.
function foldOnPhone(root) {
  if (!window.matchMedia || !window.matchMedia("(max-width: 640px)").matches) return;
  (root || document).querySelectorAll("details[data-fold-on-phone]").forEach(function (d) { d.open = false; });
}
document.addEventListener("DOMContentLoaded", function () { foldOnPhone(document); });

// ---- The desk link on public pages ----------------------------------------
// Public pages are the same bytes for every reader, so they say "Log in";
// a browser that logged in to the desk (its claimdesk_desk cookie) gets
// "Desk" instead. The cookie grants nothing: the desk checks the session.
document.addEventListener("DOMContentLoaded", function () {
  if (!/(?:^|;\s*)(?:__Host-)?claimdesk_desk=1(?:;|$)/.test(document.cookie)) return;
  document.querySelectorAll("a[data-desk-link]").forEach(function (a) {
    a.href = "/desk";
    a.textContent = "Desk";
  });
});

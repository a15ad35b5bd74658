// claimdesk page behaviour. htmx sends the CSRF token with every request it
// makes, read from the hidden field the page renders.
document.addEventListener("htmx:configRequest", function (e) {
  var field = document.querySelector("input[name=_csrf]");
  if (field) e.detail.headers["X-CSRF-Token"] = field.value;
});

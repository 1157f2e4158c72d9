// "Copy the link" buttons (data-copy="#input-id"): copy the field's text to the
// clipboard. Delegated from the document, so buttons that htmx brings in work too.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) return;
  var field = document.querySelector(button.getAttribute("data-copy"));
  if (!field) return;
  var done = function () {
    var label = button.textContent;
    button.textContent = button.getAttribute("data-copied") || label;
    setTimeout(function () { button.textContent = label; }, 2000);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done);
  } else {  // plain http on a laptop: select the text and use the older command
    field.select();
    if (document.execCommand("copy")) done();
  }
});

// Keyboard shortcuts of the staff pages (documented in the footer and docs/pages.md):
// "/" puts the cursor in the global search (as on GitHub or YouTube), unless one is
// already typing somewhere; Escape in the search leaves it. Served by the app (CSP).
document.addEventListener("keydown", function (event) {
  var search = document.getElementById("global-q");
  if (!search) return;
  if (event.key === "Escape" && document.activeElement === search) {
    search.blur();
    return;
  }
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  var here = document.activeElement;
  var typing = here && (here.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(here.tagName));
  if (typing) return;
  event.preventDefault();
  search.focus();
  search.select();
});

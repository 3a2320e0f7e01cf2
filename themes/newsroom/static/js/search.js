// The search page: runs the search named in the address (`?q=…`, as the header's
// search box sends it) and keeps the address in step with what the reader types,
// so that going back to this page shows the same results.
(function () {
  "use strict";
  if (!window.PagefindComponents) {
    return;
  }
  var search = window.PagefindComponents.getInstanceManager().getInstance("default");
  var term = new URLSearchParams(window.location.search).get("q");
  search.on("search", function (typed) {
    var url = new URL(window.location.href);
    if (typed) {
      url.searchParams.set("q", typed);
    } else {
      url.searchParams.delete("q");
    }
    window.history.replaceState(null, "", url);
  });
  if (term && term.trim()) {
    search.triggerSearch(term.trim());
  }
})();

// The menu collapses behind a button on narrow screens (app.css); this opens and closes it.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector(".menu-toggle");
    var nav = document.getElementById("main-nav");
    if (!toggle || !nav) { return; }
    toggle.addEventListener("click", function () {
      var open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  });
})();

// The counts beside the menu entries (open inspections, secondary queue, pending hits): fetched on load and
// every 30 seconds, without reloading the page. Only this server is asked; nothing leaves the post.
(function () {
  "use strict";
  var PERIOD_MS = 30000;
  function refresh(nav) {
    var request = new XMLHttpRequest();
    request.open("GET", nav.getAttribute("data-counts-url"));
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      if (request.status !== 200) { return; }
      var counts = JSON.parse(request.responseText);
      nav.querySelectorAll("[data-count]").forEach(function (badge) {
        var n = counts[badge.getAttribute("data-count")];
        badge.textContent = n === undefined ? "" : String(n);
        badge.hidden = !n;
      });
    };
    request.send();
  }
  document.addEventListener("DOMContentLoaded", function () {
    var nav = document.getElementById("main-nav");
    if (!nav || !nav.querySelector("[data-count]")) { return; }
    refresh(nav);
    window.setInterval(function () { refresh(nav); }, PERIOD_MS);
  });
})();

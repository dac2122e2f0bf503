// What every map on this site shares: Leaflet, served from this site, is loaded only when a map is asked for.
(function () {
  "use strict";

  window.locatorLoadLeaflet = function (data, done) {
    if (window.L) { done(); return; }
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = data.leaflet_css;
    document.head.appendChild(css);
    var script = document.createElement("script");
    script.src = data.leaflet_js;
    script.onload = done;
    document.head.appendChild(script);
  };
})();

// Enhancements only: the search page works without this file.
// "Use my location" asks the browser only when pressed; the map loads only when asked for,
// because its tiles come from a third party that would then see where someone is looking.
(function () {
  "use strict";

  var locateButton = document.getElementById("use-my-location");
  var status = document.getElementById("locate-status");
  if (locateButton && "geolocation" in navigator) {
    locateButton.hidden = false;
    locateButton.addEventListener("click", function () {
      var form = locateButton.form;
      status.textContent = locateButton.dataset.locating;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          // About 100 m is plenty to rank providers, and keeps the shared URL less exact.
          form.elements.lat.value = position.coords.latitude.toFixed(3);
          form.elements.lng.value = position.coords.longitude.toFixed(3);
          form.elements.near.value = "";
          form.submit();
        },
        function () {
          status.textContent = locateButton.dataset.failed;
          form.elements.near.focus();
        },
        { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 }
      );
    });
  }

  var nearInput = document.getElementById("id_near");
  if (nearInput) {
    // Typing a place replaces an earlier "my location" search.
    nearInput.addEventListener("input", function () {
      nearInput.form.elements.lat.value = "";
      nearInput.form.elements.lng.value = "";
    });
  }

  // After a search the page opens on its answer: screen readers and keyboards start there too.
  var answer = document.getElementById("results-heading") || document.getElementById("location-error-heading");
  if (answer) { answer.focus({ preventScroll: true }); }

  // The page's URL is the search: one press puts it where a message or an email can take it.
  var copyButton = document.getElementById("copy-link");
  if (copyButton && navigator.clipboard) {
    copyButton.parentNode.hidden = false;
    copyButton.addEventListener("click", function () {
      navigator.clipboard.writeText(window.location.href).then(function () {
        document.getElementById("copy-status").textContent = copyButton.dataset.copied;
      });
    });
  }

  var mapButton = document.getElementById("show-map");
  var mapData = document.getElementById("map-data");
  if (!mapButton || !mapData) { return; }
  var data = JSON.parse(mapData.textContent);
  if (!data.markers.length) { return; }
  mapButton.hidden = false;
  document.getElementById("map-note").hidden = false;
  var mapElement = document.getElementById("map");
  var map = null;

  function numberedIcon(text, className) {
    return window.L.divIcon({ className: "map-marker " + className, html: text, iconSize: [28, 28], iconAnchor: [14, 14] });
  }

  function drawMap() {
    var L = window.L;
    map = L.map(mapElement, { scrollWheelZoom: false });
    L.tileLayer(data.tiles, { maxZoom: 18, attribution: data.attribution }).addTo(map);
    var bounds = L.latLngBounds([data.center]);
    L.marker(data.center, { icon: numberedIcon("&#9679;", "here"), title: data.labels.here, alt: data.labels.here })
      .addTo(map);
    data.markers.forEach(function (marker) {
      var title = data.labels[marker.list] + " " + marker.number + ". " + marker.name;
      var className = marker.list + (marker.approximate ? " approximate" : "");
      L.marker([marker.lat, marker.lng], {
        icon: numberedIcon(String(marker.number), className),
        title: title,
        alt: title
      }).bindPopup(document.createTextNode(title)).addTo(map);
      bounds.extend([marker.lat, marker.lng]);
    });
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 14 });
  }

  mapButton.addEventListener("click", function () {
    var showing = mapElement.hidden;
    mapElement.hidden = !showing;
    mapButton.setAttribute("aria-expanded", String(showing));
    mapButton.textContent = showing ? data.labels.hide : data.labels.show;
    if (showing && !map) { window.locatorLoadLeaflet(data, drawMap); }
  });
})();

// Enhancements only: the access page's tables work without this file. The map loads only when asked for,
// because its tiles come from a third party; its points come from this site's own API.
(function () {
  "use strict";

  var button = document.getElementById("show-access-map");
  var dataElement = document.getElementById("access-map-data");
  if (!button || !dataElement) { return; }
  var data = JSON.parse(dataElement.textContent);
  var mapElement = document.getElementById("access-map");
  var legend = document.getElementById("access-map-legend");
  // Bigger and darker the farther: the legend reads without colour.
  var styles = [
    { radius: 3, color: "#0b5d3b" },
    { radius: 4, color: "#5c7f00" },
    { radius: 6, color: "#b34700" },
    { radius: 8, color: "#7a1010" }
  ];
  var map = null;
  button.hidden = false;
  document.getElementById("map-note").hidden = false;

  function band(miles) {
    for (var index = 0; index < data.bands.length; index++) {
      var upper = data.bands[index][0];
      if (upper === null || (miles !== null && miles <= upper)) { return index; }
    }
    return data.bands.length - 1;
  }

  function drawMap(collection) {
    var L = window.L;
    map = L.map(mapElement, { scrollWheelZoom: false });
    L.tileLayer(data.tiles, { maxZoom: 18, attribution: data.attribution }).addTo(map);
    var bounds = L.latLngBounds([]);
    collection.features.forEach(function (feature) {
      if (!feature.geometry) { return; }
      var miles = feature.properties[data.medication + "_nearest_miles"];
      var style = styles[band(miles)];
      var point = [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
      var text = data.labels.zip + " " + feature.id + ": " +
        (miles === null ? data.labels.none : miles.toFixed(1) + " " + data.labels.miles);
      L.circleMarker(point, {
        radius: style.radius, color: "#fff", weight: 1, fillColor: style.color, fillOpacity: 0.85, className: "zip-point"
      }).bindTooltip(text).addTo(map);
      bounds.extend(point);
    });
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [12, 12] }); }
  }

  button.addEventListener("click", function () {
    var showing = mapElement.hidden;
    mapElement.hidden = !showing;
    legend.hidden = !showing;
    button.setAttribute("aria-expanded", String(showing));
    button.textContent = showing ? data.labels.hide : data.labels.show;
    if (showing && !map) {
      window.locatorLoadLeaflet(data, function () {
        fetch(data.points).then(function (response) { return response.json(); }).then(drawMap);
      });
    }
  });
})();

/* A small map that shows one place with a marker, so a person can confirm where it is.
 *
 * Every element with the class "place-map" is a map; it reads its position from data-lat and
 * data-lon, the tile URL from data-tiles and their credit from data-attribution. On a form
 * (data-form="1") it also follows the latitude and longitude fields as they are typed, and the
 * "Which place do you mean?" list, whose option values are "lat,lon". The marker image is
 * served by the app, so it shows even when no tile server can be reached. No inline script:
 * the page's CSP allows only scripts from this origin.
 */
(function () {
  "use strict";

  var ZOOM = 10;  // a city and its surroundings

  function number(value) {
    if (value === null || value === undefined || String(value).trim() === "") { return null; }
    var n = Number(String(value).trim());
    return isFinite(n) ? n : null;
  }

  function valid(lat, lon) {
    return lat !== null && lon !== null && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180;
  }

  function setup(el) {
    var map = null;
    var marker = null;

    function show(lat, lon) {
      if (!valid(lat, lon)) { return; }
      el.hidden = false;
      el.setAttribute("data-shown", lat.toFixed(5) + "," + lon.toFixed(5));
      if (map === null) {
        map = L.map(el, {scrollWheelZoom: false}).setView([lat, lon], ZOOM);
        if (el.dataset.tiles) {
          L.tileLayer(el.dataset.tiles, {attribution: el.dataset.attribution || "", maxZoom: 18})
            .addTo(map);
        }
        marker = L.marker([lat, lon], {title: el.dataset.label || "", alt: el.dataset.label || ""})
          .addTo(map);
      } else {
        marker.setLatLng([lat, lon]);
        map.setView([lat, lon], map.getZoom());
      }
    }

    show(number(el.dataset.lat), number(el.dataset.lon));
    if (el.dataset.form !== "1") { return; }
    var form = el.closest("form");
    if (!form) { return; }
    var latField = form.querySelector("[name=lat]");
    var lonField = form.querySelector("[name=lon]");
    var choice = form.querySelector("[name=place_choice]");
    function fromFields() {
      if (latField && lonField) { show(number(latField.value), number(lonField.value)); }
    }
    function fromChoice() {
      if (!choice || !choice.value) { return; }
      var parts = choice.value.split(",");
      show(number(parts[0]), number(parts[1]));
    }
    [latField, lonField].forEach(function (field) {
      if (field) { field.addEventListener("input", fromFields); }
    });
    if (choice) {
      choice.addEventListener("change", fromChoice);
      if (!valid(number(el.dataset.lat), number(el.dataset.lon))) { fromChoice(); }
    }
  }

  if (typeof L === "undefined") { return; }  // Leaflet failed to load: the text still says where
  Array.prototype.forEach.call(document.querySelectorAll(".place-map"), setup);
})();

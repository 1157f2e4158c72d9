/* Voisins map: Leaflet (served by the app), areas by postcode, communes, a family's radius.
   Tiles only when the server sets a tile URL; otherwise a plain background. */
(function () {
  "use strict";
  var COLOURS = { waiting: "#a3231d", matched: "#0b5d57", volunteers: "#1a56db", family: "#8a5a00" };

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
  }

  function text(s) { var d = document.createElement("div"); d.textContent = s; return d.innerHTML; }

  function base(el) {
    var map = L.map(el, { zoomSnap: 0.5 });
    el._voisinsMap = map;
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: el.dataset.attribution || "" }).addTo(map);
    } else {
      el.classList.add("no-tiles");
    }
    map.setView([50.85, 4.35], 11);
    getJSON(el.dataset.communes).then(function (data) {
      L.geoJSON(data, {
        style: { color: "#4a5468", weight: 1.5, fillColor: "#dfe6ee", fillOpacity: 0.35 },
        onEachFeature: function (f, layer) { layer.bindTooltip(text(f.properties.name)); },
        interactive: true
      }).addTo(map).bringToBack();
    });
    return map;
  }

  function areas(el) {
    var map = base(el);
    getJSON(el.dataset.areas).then(function (data) {
      var bounds = [];
      data.features.forEach(function (f) {
        var p = f.properties, ll = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
        bounds.push(ll);
        var kinds = ["waiting", "matched", "volunteers"];
        kinds.forEach(function (kind, i) {
          if (!p[kind]) { return; }
          // Three small circles side by side, so no kind hides another.
          var shift = (i - 1) * 0.0022;
          L.circleMarker([ll[0], ll[1] + shift], {
            radius: 5 + Math.min(16, Math.sqrt(p[kind]) * 3), color: COLOURS[kind],
            fillColor: COLOURS[kind], fillOpacity: 0.55, weight: 2
          }).bindPopup("<strong>" + text(p.postcode + " " + p.locality) + "</strong><br>" +
            text(p[kind] + " " + el.dataset["label" + kind.charAt(0).toUpperCase() + kind.slice(1)]))
            .addTo(map);
        });
      });
      if (bounds.length) { map.fitBounds(bounds, { padding: [30, 30], maxZoom: 13 }); }
    });
  }

  function radius(el) {
    var map = base(el);
    getJSON(el.dataset.radius).then(function (data) {
      var group = L.featureGroup().addTo(map);
      data.features.forEach(function (f) {
        var p = f.properties, ll = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
        if (p.kind === "family") {
          L.circle(ll, { radius: p.radius_m, color: COLOURS.family, weight: 2, fillOpacity: 0.08 }).addTo(group);
          L.circleMarker(ll, { radius: 9, color: COLOURS.family, fillColor: COLOURS.family, fillOpacity: 0.9 })
            .bindTooltip(text(p.postcode)).addTo(group);
        } else {
          L.circleMarker(ll, { radius: 6, color: COLOURS.volunteers, fillColor: COLOURS.volunteers, fillOpacity: 0.7 })
            .bindPopup(text(p.name + " · " + p.distance_km + " km")).addTo(group);
        }
      });
      if (data.features.length) { map.fitBounds(group.getBounds(), { padding: [20, 20], maxZoom: 15 }); }
    });
  }

  // Map containers carry no id: htmx would copy a swapped-out element's attributes (with
  // Leaflet's inline style) onto a new one of the same id, which the CSP refuses.
  function init(root) {
    if (typeof L === "undefined" || !root || !root.querySelectorAll) { return; }
    var found = Array.prototype.slice.call(root.querySelectorAll(".map[data-areas], .map[data-radius]"));
    if (root.matches && root.matches(".map")) { found.push(root); }
    found.forEach(function (el) {
      if (el._voisinsMap) { return; }
      if (el.dataset.areas) { areas(el); } else { radius(el); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSettle", function (e) { init(e.detail.elt); });
})();

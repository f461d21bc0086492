/* The public delivery map: draws flows, donors, recipients and open needs on a Leaflet canvas.
 *
 * The page holds a folium map shell (tiles, layer switcher, three empty layer groups); this
 * script fetches the compact JSON document (see aidregistry/services/map_data.py), filters
 * it in the browser, merges identical routes into one weighted line and groups nearby places
 * into clusters at low zoom. Popups come from map-popups.js (textContent only, never HTML).
 */
(function () {
  "use strict";

  var COLOURS = ["#d55e00", "#0072b2", "#009e73"];  // Okabe-Ito: readable with colour blindness
  var NEED_COLOUR = "#cc1f5a";
  var EXACT_ZOOM = 6;       // from this zoom every place is drawn where it is
  var CELL_PX = 44;         // below it, places closer than this many pixels form one cluster
  var MAX_LINES = 1200;     // the heaviest lines drawn at once; the rest wait for zoom or filters
  var ARC_STEPS = 16;
  var SLICE_MS = 30;
  // Popups keep clear of the zoom buttons and the layer switcher in the top corners.
  var POPUP = {maxWidth: 320, autoPanPaddingTopLeft: [50, 60], autoPanPaddingBottomRight: [20, 20]};        // work between two yields to the browser
  var BENDS = [0.08, 0.04, 0];  // pledged, in transit, delivered (see bend())

  var frame = document.getElementById("map-frame");
  var labels = JSON.parse(document.getElementById("map-labels").textContent);
  var statusEl = document.getElementById("map-status");
  var summaryEl = document.getElementById("map-summary");
  var form = document.getElementById("map-filters");
  var map = window[frame.dataset.map];
  var groups = {flows: window[frame.dataset.layerFlows], points: window[frame.dataset.layerPoints],
                needs: window[frame.dataset.layerNeeds]};
  var renderer = L.canvas({padding: 0.3, tolerance: 4});
  var locale = frame.dataset.locale || "en";
  var numberFormat = new Intl.NumberFormat(locale);
  var data = null;
  var popups = null;
  var selection = null;

  function dayOffset(value) {
    if (!value) { return null; }
    return Math.round((Date.parse(value + "T00:00:00Z") - Date.parse(data.day0 + "T00:00:00Z")) / 864e5);
  }

  /* ---- filters ------------------------------------------------------------------------ */

  function readFilters() {
    var f = new FormData(form);
    return {
      status: new Set(f.getAll("status").map(Number)),
      category: new Set(f.getAll("category")),
      item: f.get("item") || "", kind: f.get("kind") || "", country: f.get("country") || "",
      from: dayOffset(f.get("from")), to: dayOffset(f.get("to"))
    };
  }

  function itemAllowed(filters, itemIndex) {
    var item = data.items[itemIndex];
    return filters.category.has(item[3]) && (!filters.item || filters.item === item[0]);
  }

  function orgIn(filters, orgIndex) {
    return data.orgs[orgIndex][4] === filters.country;
  }

  // Long loops yield to the browser every few milliseconds, so the page never freezes;
  // a newer draw (another filter, another zoom) makes an older one stop at its next yield.
  var generation = 0;
  function pause() { return new Promise(function (resolve) { setTimeout(resolve, 0); }); }

  async function sliced(count, step, mine) {
    var deadline = performance.now() + SLICE_MS;
    for (var i = 0; i < count; i++) {
      step(i);
      if ((i & 127) === 127 && performance.now() > deadline) {
        await pause();
        if (mine !== generation) { return false; }
        deadline = performance.now() + SLICE_MS;
      }
    }
    return mine === generation;
  }

  async function select(filters, mine) {
    var flows = [], needs = [];
    var done = await sliced(data.flows.length, function (i) {
      var r = data.flows[i];
      if (!filters.status.has(r[4]) || !itemAllowed(filters, r[3])) { return; }
      if (filters.from !== null && r[5] < filters.from) { return; }
      if (filters.to !== null && r[5] > filters.to) { return; }
      if (filters.kind && data.kinds[data.orgs[r[1]][3]] !== filters.kind) { return; }
      if (filters.country && !orgIn(filters, r[1]) && !orgIn(filters, r[2])) { return; }
      flows.push(i);
    }, mine);
    data.needs.forEach(function (r, i) {
      if (!itemAllowed(filters, r[3])) { return; }
      if (filters.country && !orgIn(filters, r[1])) { return; }
      if (filters.from !== null && r[6] < filters.from) { return; }
      needs.push(i);
    });
    return done ? {flows: flows, needs: needs} : null;
  }

  /* ---- clustering: places in the same screen cell share one position ------------------ */

  function placeCells(zoom) {
    var cells = new Map(), of = new Array(data.places.length), i, p, key, point;
    for (i = 0; i < data.places.length; i++) {
      p = data.places[i];
      if (zoom >= EXACT_ZOOM) { of[i] = "p" + i; continue; }
      point = map.project([p[0], p[1]], zoom);
      key = Math.floor(point.x / CELL_PX) + ":" + Math.floor(point.y / CELL_PX);
      of[i] = key;
    }
    return {of: of, cells: cells, routes: new Map()};
  }

  function cellOf(grouping, placeIndex, weight) {
    var key = grouping.of[placeIndex], cell = grouping.cells.get(key), p = data.places[placeIndex];
    if (!cell) {
      cell = {key: key, lat: 0, lon: 0, w: 0, places: new Set(), first: placeIndex};
      grouping.cells.set(key, cell);
    }
    if (!cell.places.has(placeIndex)) {
      // Average positions around the first place, so a cluster at the date line stays there.
      var lon = p[1] - data.places[cell.first][1];
      lon = lon > 180 ? lon - 360 : (lon < -180 ? lon + 360 : lon);
      cell.places.add(placeIndex);
      cell.lat += p[0] * weight; cell.lon += (data.places[cell.first][1] + lon) * weight;
      cell.w += weight;
    }
    return cell;
  }

  function position(cell) {
    if (cell.places.size === 1) { return data.places[cell.first]; }
    return [cell.lat / cell.w, cell.lon / cell.w];
  }

  /* ---- aggregation --------------------------------------------------------------------- */

  // A route's stops as cells of this zoom; hubs that fall in the cell of the stop before
  // them add nothing at this zoom.
  function routeCells(grouping, routeIndex) {
    var known = grouping.routes.get(routeIndex);
    if (known) { return known; }
    var stops = [], keys = [], places = data.routes[routeIndex], k, cell;
    for (k = 0; k < places.length; k++) {
      cell = cellOf(grouping, places[k], 1);
      if (!stops.length || stops[stops.length - 1] !== cell) { stops.push(cell); keys.push(cell.key); }
    }
    known = {a: cellOf(grouping, places[0], 1), b: cellOf(grouping, places[places.length - 1], 1),
             stops: stops, key: keys.join(">")};
    grouping.routes.set(routeIndex, known);
    return known;
  }

  async function aggregate(chosen, grouping, mine) {
    var lines = new Map(), points = new Map(), needCells = new Map();
    var done = await sliced(chosen.flows.length, function (n) {
      var i = chosen.flows[n], r = data.flows[i], route = routeCells(grouping, r[0]);
      addPoint(points, route.a, "d", r, i);
      addPoint(points, route.b, "r", r, i);
      if (route.stops.length < 2) { return; }
      var key = route.key + ">" + r[4], line = lines.get(key);
      if (!line) {
        line = {a: route.a, b: route.b, stops: route.stops, status: r[4], q: 0, flows: []};
        lines.set(key, line);
      }
      line.q += r[6]; line.flows.push(i);
    }, mine);
    if (!done) { return null; }
    chosen.needs.forEach(function (i) {
      var r = data.needs[i], cell = cellOf(grouping, r[2], 1), entry = needCells.get(cell.key);
      if (!entry) { entry = {cell: cell, needs: []}; needCells.set(cell.key, entry); }
      entry.needs.push(i);
    });
    return {lines: Array.from(lines.values()), points: Array.from(points.values()),
            needs: Array.from(needCells.values())};
  }

  function addPoint(points, cell, role, r, i) {
    var key = cell.key + role, org = role === "d" ? r[1] : r[2], point = points.get(key);
    if (!point) { point = {cell: cell, role: role, q: 0, orgs: new Map(), flows: []}; points.set(key, point); }
    point.q += r[6];
    point.orgs.set(org, (point.orgs.get(org) || 0) + r[6]);
    point.flows.push(i);
  }

  /* ---- geometry ------------------------------------------------------------------------ */

  // Points along the great circle from a to b, longitudes unwrapped so the line takes the
  // shorter way: Shanghai to Los Angeles crosses the Pacific, not Eurasia and the Atlantic.
  function arc(a, b) {
    var rad = Math.PI / 180, lat1 = a[0] * rad, lon1 = a[1] * rad, lat2 = b[0] * rad, lon2 = b[1] * rad;
    var p1 = [Math.cos(lat1) * Math.cos(lon1), Math.cos(lat1) * Math.sin(lon1), Math.sin(lat1)];
    var p2 = [Math.cos(lat2) * Math.cos(lon2), Math.cos(lat2) * Math.sin(lon2), Math.sin(lat2)];
    var dot = Math.min(1, Math.max(-1, p1[0] * p2[0] + p1[1] * p2[1] + p1[2] * p2[2]));
    var omega = Math.acos(dot), out = [], prevLon = a[1], k, t, s1, s2, x, y, z, lon;
    for (k = 0; k <= ARC_STEPS; k++) {
      t = k / ARC_STEPS;
      if (omega < 1e-9) { out.push([a[0], a[1]]); continue; }
      s1 = Math.sin((1 - t) * omega) / Math.sin(omega); s2 = Math.sin(t * omega) / Math.sin(omega);
      x = s1 * p1[0] + s2 * p2[0]; y = s1 * p1[1] + s2 * p2[1]; z = s1 * p1[2] + s2 * p2[2];
      lon = Math.atan2(y, x) / rad;
      while (lon - prevLon > 180) { lon -= 360; }
      while (lon - prevLon < -180) { lon += 360; }
      prevLon = lon;
      out.push([Math.atan2(z, Math.sqrt(x * x + y * y)) / rad, lon]);
    }
    return out;
  }

  // Lines of different status on one route would hide each other; pledged and in-transit
  // lines bow to either side of the delivered one, by a share of the route's length.
  function bend(line, share) {
    if (!share) { return line; }
    var first = line[0], last = line[line.length - 1];
    var dlat = last[0] - first[0], dlon = last[1] - first[1], n = line.length - 1;
    return line.map(function (p, k) {
      var s = share * Math.sin(Math.PI * k / n);
      return [p[0] - dlon * s, p[1] + dlat * s];
    });
  }

  // A line that leaves the -180..180 world is drawn a second time shifted by 360 degrees,
  // so both its ends meet their places whichever copy of the world is in view.
  function arcCopies(stops, status) {
    var line = [], k, from, segment;
    for (k = 1; k < stops.length; k++) {
      // Each leg starts where the last one ended, in the same unwrapped longitudes.
      from = line.length ? line[line.length - 1] : stops[0];
      segment = bend(arc(from, stops[k]), BENDS[status]);
      line = line.concat(line.length ? segment.slice(1) : segment);
    }
    var end = line[line.length - 1][1];
    if (end <= 180 && end >= -180) { return [line]; }
    var shift = end > 180 ? -360 : 360;
    return [line, line.map(function (p) { return [p[0], p[1] + shift]; })];
  }

  function lineWeight(q) { return Math.min(14, 1 + 1.1 * Math.log10(1 + q)); }
  function radius(q) { return Math.min(22, 3 + 1.4 * Math.log10(1 + q)); }

  /* ---- drawing ------------------------------------------------------------------------- */

  function visible(line, bounds) {
    return bounds.intersects(L.latLngBounds(line.stops.map(position)));
  }

  function drawHubs(lines) {
    var seen = new Set();
    lines.forEach(function (line) {
      line.stops.slice(1, -1).forEach(function (cell) {
        if (seen.has(cell.key)) { return; }
        seen.add(cell.key);
        L.circleMarker(position(cell), {renderer: renderer, radius: 4, color: "#333333", weight: 2,
          fillColor: "#ffffff", fillOpacity: 1, interactive: false}).addTo(groups.flows);
      });
    });
  }

  async function drawLines(lines, mine) {
    var bounds = map.getBounds().pad(0.5), zoomed = map.getZoom() >= EXACT_ZOOM;
    var shown = (zoomed ? lines.filter(function (l) { return visible(l, bounds); }) : lines)
      .sort(function (x, y) { return y.q - x.q; }).slice(0, MAX_LINES);
    // Thick lines first, so thinner ones stay visible (and clickable) on top.
    var done = await sliced(shown.length, function (n) {
      var line = shown[n];
      arcCopies(line.stops.map(position), line.status).forEach(function (latlngs) {
        L.polyline(latlngs, {renderer: renderer, color: COLOURS[line.status], weight: lineWeight(line.q),
                             opacity: 0.85, lineCap: "round"})
          .bindPopup(function () { return popups.line(line); }, POPUP)
          .addTo(groups.flows);
      });
    }, mine);
    if (done) { drawHubs(shown); }
    return done ? shown.length : null;
  }

  function drawPoints(points) {
    points.sort(function (x, y) { return y.q - x.q; }).forEach(function (point) {
      var cluster = point.cell.places.size > 1, pos = position(point.cell);
      var marker = L.circleMarker(pos, {renderer: renderer, radius: radius(point.q) + (cluster ? 3 : 0),
        color: "#ffffff", weight: cluster ? 3 : 1.5, fillOpacity: 0.9,
        fillColor: point.role === "d" ? "#6a3d9a" : "#0b4f6c"});
      marker.bindPopup(function () { return popups.point(point); }, POPUP).addTo(groups.points);
      if (cluster && point.role === "r") {
        L.marker(pos, {interactive: false, keyboard: false,
          icon: L.divIcon({className: "cluster-count", html: "", iconSize: null})})
          .on("add", function (e) { e.target.getElement().textContent = String(point.cell.places.size); })
          .addTo(groups.points);
      }
    });
  }

  // Open needs are diamonds, so they read apart from the round donors and recipients.
  var Diamond = L.CircleMarker.extend({
    _updatePath: function () {
      var renderer = this._renderer;
      if (!renderer._drawing || this._empty()) { return; }
      var p = this._point, r = Math.max(Math.round(this._radius), 1), ctx = renderer._ctx;
      ctx.beginPath();
      ctx.moveTo(p.x, p.y - r); ctx.lineTo(p.x + r, p.y); ctx.lineTo(p.x, p.y + r); ctx.lineTo(p.x - r, p.y);
      ctx.closePath();
      renderer._fillStroke(ctx, this);
    }
  });

  function drawNeeds(entries) {
    entries.forEach(function (entry) {
      var total = entry.needs.reduce(function (s, i) { return s + data.needs[i][4]; }, 0);
      // Larger than the recipient's circle drawn over it, so the need frames the recipient.
      new Diamond(position(entry.cell), {renderer: renderer, radius: radius(total) * 1.5 + 4, color: NEED_COLOUR,
        weight: 2, fillColor: NEED_COLOUR, fillOpacity: 0.25})
        .bindPopup(function () { return popups.need(entry); }, POPUP).addTo(groups.needs);
    });
  }

  async function draw() {
    var mine = ++generation, started = performance.now();
    frame.dataset.ready = "0";
    var grouping = placeCells(map.getZoom());
    var found = selection && await aggregate(selection, grouping, mine);
    if (!found) { return; }
    groups.flows.clearLayers(); groups.points.clearLayers(); groups.needs.clearLayers();
    var drawn = await drawLines(found.lines, mine);
    if (drawn === null) { return; }
    drawNeeds(found.needs);
    drawPoints(found.points);
    frame.dataset.lines = String(drawn);
    frame.dataset.points = String(found.points.length);
    frame.dataset.needs = String(found.needs.length);
    summaryEl.textContent = found.lines.length || found.needs.length ? labels.shown
      .replace("{shown}", numberFormat.format(drawn)).replace("{total}", numberFormat.format(found.lines.length))
      : labels.nothing;
    frame.dataset.drawMs = String(Math.round(performance.now() - started));
    ready(mine);
  }

  async function refilter() {
    var mine = ++generation;
    frame.dataset.ready = "0";
    var chosen = await select(readFilters(), mine);
    if (chosen) { selection = chosen; await draw(); }
  }

  function ready(mine) {
    // Two frames after drawing, the canvas is on screen: benchmarks and tests wait for this.
    requestAnimationFrame(function () {
      requestAnimationFrame(function () {
        if (mine !== generation) { return; }
        window.aidMapReady = true;
        frame.dataset.ready = "1";
        statusEl.textContent = "";
      });
    });
  }

  function start(document_) {
    data = document_;
    popups = window.AidMapPopups({data: data, labels: labels, frame: frame, locale: locale,
                                  numberFormat: numberFormat, colours: COLOURS, needColour: NEED_COLOUR});
    refilter();
    form.addEventListener("change", refilter);
    form.addEventListener("reset", function () { setTimeout(refilter, 0); });
    var drawnZoom = map.getZoom();
    // Zooming regroups the places; panning matters only where lines are cut to the view.
    map.on("moveend", function () {
      if (map.getZoom() !== drawnZoom || map.getZoom() >= EXACT_ZOOM) { drawnZoom = map.getZoom(); draw(); }
    });
  }

  statusEl.textContent = labels.loading;
  fetch(frame.dataset.src, {credentials: "same-origin", headers: {Accept: "application/json"}})
    .then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    })
    .then(start)
    .catch(function (error) {
      statusEl.textContent = labels.failed;
      frame.dataset.error = String(error);
    });
}());

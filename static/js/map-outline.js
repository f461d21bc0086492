/* The offline base map: land, coasts and borders drawn from a static TopoJSON file.
 *
 * The file (static/basemap/world.json: Natural Earth via the npm package world-atlas, made by
 * scripts/build_basemap.py) is fetched only when the outline is shown: when the reader picks
 * it in the layer switcher, when no tile URL is configured, or when the tile server fails
 * before a single tile has loaded. Flows that cross the date line reach beyond -180..180
 * (see map.js), so the world is repeated every 360 degrees; only the copies in view are
 * drawn, one per task, so the page never stalls while they are built.
 */
(function () {
  "use strict";

  var LOW_DETAIL_UNTIL = 3;      // zoom up to which the lighter level of detail is as sharp
  var MAX_TURNS = 2;             // copies of the world at most this many turns either side
  var REACH = [-180, 191];       // longitudes one copy spans (Chukotka runs on past 180)
  var WAIT_FOR_TILES_MS = 8000;  // a tile server that never answers counts as failed
  var frame = document.getElementById("map-frame");
  var map = window[frame.dataset.map];
  var outline = window[frame.dataset.layerOutline];
  var tiles = frame.dataset.layerTiles ? window[frame.dataset.layerTiles] : null;
  var note = document.getElementById("map-outline-note");
  var loading = null;
  var world = null;              // the decoded topology, once fetched
  var copies = new Map();        // level and turn ("_low:-1") -> that copy's layers, once built
  var renderer = null;

  // TopoJSON arcs are delta-encoded grid positions; Leaflet wants [lat, lon] in degrees.
  function decodeArcs(topology) {
    var scale = topology.transform.scale, move = topology.transform.translate;
    return topology.arcs.map(function (arc) {
      var x = 0, y = 0;
      return arc.map(function (step) {
        x += step[0]; y += step[1];
        return [y * scale[1] + move[1], x * scale[0] + move[0]];
      });
    });
  }

  // A line through several arcs; ~i is arc i backwards, and joined arcs share their end point.
  // Arcs run past 180 where they cross the date line, so each one is moved by whole turns
  // to start where the one before ended.
  function joined(indices, shift) {
    var out = [];
    indices.forEach(function (index) {
      var arc = index >= 0 ? world.arcs[index] : world.arcs[~index].slice().reverse();
      var turn = out.length ? Math.round((out[out.length - 1][1] - arc[0][1]) / 360) * 360 : shift;
      for (var k = out.length ? 1 : 0; k < arc.length; k++) { out.push([arc[k][0], arc[k][1] + turn]); }
    });
    return out;
  }

  // A ring round a pole (Antarctica) ends a turn away from its start: close it along the pole.
  function closed(ring) {
    var first = ring[0], last = ring[ring.length - 1];
    if (Math.abs(last[1] - first[1]) < 180) { return ring; }
    var pole = first[0] < 0 ? -90 : 90;
    return ring.concat([[pole, last[1]], [pole, first[1]]]);
  }

  function escaped(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  // One layer of one copy: land is filled and never stroked (its rings close along the date
  // line and the pole); the coast is drawn as lines of its own.
  var LAYERS = [
    {name: "land", style: {stroke: false, fillColor: "#f3f0e8", fillOpacity: 1}},
    {name: "coast", style: {color: "#8fa3b0", weight: 0.8}},
    {name: "borders", style: {color: "#b8ab98", weight: 0.7}}
  ];

  function buildLayer(key, index) {
    var level = key.split(":")[0], shift = Number(key.split(":")[1]) * 360, layer = LAYERS[index];
    var options = L.extend({renderer: renderer, pane: "outline", interactive: false,
                            className: "outline-" + layer.name}, layer.style);
    var arcs = world.objects[layer.name + level].arcs;
    if (layer.name !== "land") {
      return L.polyline(arcs.map(function (line) { return joined(line, shift); }), options);
    }
    options.attribution = escaped(frame.dataset.outlineAttribution);
    return L.polygon(arcs.map(function (polygon) {
      return polygon.map(function (ring) { return closed(joined(ring, shift)); });
    }), options);
  }

  // The copies in view at this zoom's level of detail, as keys of `copies`.
  function wantedKeys() {
    var bounds = map.getBounds(), keys = [], level = map.getZoom() <= LOW_DETAIL_UNTIL ? "_low" : "";
    var first = Math.max(-MAX_TURNS, Math.ceil((bounds.getWest() - REACH[1]) / 360));
    var last = Math.min(MAX_TURNS, Math.floor((bounds.getEast() - REACH[0]) / 360));
    for (var turn = first; turn <= last; turn++) { keys.push(level + ":" + turn); }
    return keys;
  }

  // Layers out of view leave the map (Leaflet re-projects every path on the map at each zoom);
  // missing ones are built and added one layer per task, so the page never stalls.
  var wanted = [], queue = [];
  function showCopies() {
    if (!world || !map.hasLayer(outline)) { return; }
    wanted = wantedKeys();
    copies.forEach(function (layers, key) {
      if (wanted.indexOf(key) >= 0) { return; }
      layers.forEach(function (layer) { if (layer) { outline.removeLayer(layer); } });
    });
    var idle = !queue.length;
    wanted.forEach(function (key) {
      if (!copies.has(key)) { copies.set(key, [null, null, null]); }
      LAYERS.forEach(function (_layer, index) { queue.push([key, index]); });
    });
    if (idle) { frame.dataset.outline = "0"; step(); }
  }

  function step() {
    var job = queue.shift(), started = performance.now();
    if (!job) { frame.dataset.outline = "1"; return; }
    var key = job[0], layers = copies.get(key);
    if (wanted.indexOf(key) >= 0 && map.hasLayer(outline)) {
      layers[job[1]] = layers[job[1]] || buildLayer(key, job[1]);
      outline.addLayer(layers[job[1]]);
    }
    // The longest single step, for benchmarks and tests: the page is busy this long at most.
    frame.dataset.outlineMs = String(Math.max(Number(frame.dataset.outlineMs || 0),
                                              Math.round(performance.now() - started)));
    setTimeout(step, 0);
  }

  function start(topology) {
    world = {arcs: decodeArcs(topology), objects: topology.objects};
    // Its own pane: above where tiles would be, under the data's canvas.
    map.createPane("outline").style.zIndex = 250;
    renderer = L.svg({pane: "outline", padding: 0.5});
    map.on("moveend", showCopies);
    showCopies();
  }

  function load() {
    if (world) { showCopies(); return; }
    if (loading) { return; }
    loading = fetch(frame.dataset.outlineSrc, {headers: {Accept: "application/json"}})
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(start)
      .catch(function (error) {
        loading = null;  // choosing the layer again tries again
        frame.dataset.outlineError = String(error);
      });
  }

  // Once only: a reader who has seen the outline and picks the street map again keeps it.
  var automatic = true;
  function useOutline() {
    if (!automatic || !map.hasLayer(tiles)) { return; }
    automatic = false;
    map.removeLayer(tiles);
    map.addLayer(outline);
    note.hidden = false;
  }

  outline.on("add", load);
  if (map.hasLayer(outline)) { load(); }
  if (tiles) {
    // One tile that loaded proves the server works: later errors are holes, not an outage.
    var loaded = false, timer = setTimeout(function () { if (!loaded) { useOutline(); } }, WAIT_FOR_TILES_MS);
    tiles.on("tileload", function () { loaded = true; clearTimeout(timer); });
    tiles.on("tileerror", function () { if (!loaded) { clearTimeout(timer); useOutline(); } });
    outline.on("add", function () { automatic = false; clearTimeout(timer); });
  }
}());

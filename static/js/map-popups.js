/* Popups of the delivery map, built with createElement/textContent only: the data hold
 * names and notes typed by users, which must never be parsed as HTML (no innerHTML here).
 *
 * AidMapPopups(context) returns the three builders map.js binds to its layers; the context
 * holds the map document, the translated labels and the page's detail-link templates.
 */
window.AidMapPopups = function (context) {
  "use strict";

  var data = context.data, labels = context.labels, frame = context.frame;
  var locale = context.locale, numberFormat = context.numberFormat;
  var COLOURS = context.colours, NEED_COLOUR = context.needColour;

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (className) { node.className = className; }
    return node;
  }

  function link(href, text) {
    var a = el("a", text);
    a.href = href;
    return a;
  }

  function detailUrl(template, id) { return template.replace(/0$/, String(id)); }

  function quantityText(q, item) {
    var unit = labels.units[item[4]] || item[4];
    return numberFormat.format(q) + " " + unit;
  }

  function dayText(offset) {
    var d = new Date(data.day0 + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + offset);
    return d.toISOString().slice(0, 10);
  }


  function heading(text, colour) {
    var h = el("strong", text, "d-block mb-1");
    if (colour) { var sw = el("span", null, "popup-swatch"); sw.style.background = colour; h.prepend(sw); }
    return h;
  }

  function orgName(index) {
    var o = data.orgs[index];
    return o[2] && o[2] !== o[1] ? o[1] + " (" + o[2] + ")" : o[1];
  }

  function orgList(title, totals, limit) {
    var box = el("div", null, "mb-1"), list = el("ul", null, "list-unstyled mb-0");
    box.appendChild(el("span", title + ": ", "text-muted"));
    Array.from(totals.entries()).sort(function (x, y) { return y[1] - x[1]; }).slice(0, limit)
      .forEach(function (entry) {
        var li = el("li");
        li.appendChild(link(detailUrl(frame.dataset.orgUrl, data.orgs[entry[0]][0]), orgName(entry[0])));
        list.appendChild(li);
      });
    if (totals.size > limit) { list.appendChild(el("li", "+ " + (totals.size - limit), "text-muted")); }
    box.appendChild(list);
    return box;
  }

  function itemTable(flowIndexes) {
    var byItem = new Map(), table = el("table", null, "table table-sm mb-1 popup-table"), count = 0;
    flowIndexes.forEach(function (i) {
      var r = data.flows[i];
      byItem.set(r[3], (byItem.get(r[3]) || 0) + r[6]); count += r[7];
    });
    byItem.forEach(function (q, itemIndex) {
      var tr = el("tr"), item = data.items[itemIndex];
      tr.appendChild(el("td", locale.indexOf("zh") === 0 ? item[2] : item[1]));
      tr.appendChild(el("td", quantityText(q, item), "text-right text-nowrap"));
      table.appendChild(tr);
    });
    var wrap = el("div");
    wrap.appendChild(table);
    wrap.appendChild(el("div", labels.deliveries + ": " + numberFormat.format(count), "small text-muted"));
    return wrap;
  }

  function single(flowIndexes, column) {
    var id = data.flows[flowIndexes[0]][column];
    for (var k = 1; k < flowIndexes.length && id; k++) { if (data.flows[flowIndexes[k]][column] !== id) { return 0; } }
    return id;
  }

  function linePopup(line) {
    var box = el("div", null, "map-popup"), donors = new Map(), recipients = new Map();
    line.flows.forEach(function (i) {
      var r = data.flows[i];
      donors.set(r[1], (donors.get(r[1]) || 0) + r[6]);
      recipients.set(r[2], (recipients.get(r[2]) || 0) + r[6]);
    });
    box.appendChild(heading([labels.pledged, labels.in_transit, labels.delivered][line.status], COLOURS[line.status]));
    box.appendChild(orgList(labels.from, donors, 4));
    box.appendChild(orgList(labels.to, recipients, 4));
    box.appendChild(itemTable(line.flows));
    var donation = single(line.flows, 8), need = single(line.flows, 9), links = el("div", null, "popup-links");
    if (donation) { links.appendChild(link(detailUrl(frame.dataset.donationUrl, donation), labels.open_donation)); }
    if (need) { links.appendChild(link(detailUrl(frame.dataset.needUrl, need), labels.open_need)); }
    box.appendChild(links);
    return box;
  }

  function pointPopup(point) {
    var box = el("div", null, "map-popup");
    box.appendChild(heading(point.role === "d" ? labels.donor : labels.recipient));
    box.appendChild(orgList(point.role === "d" ? labels.given : labels.received, point.orgs, 6));
    box.appendChild(itemTable(point.flows));
    return box;
  }

  function needPopup(entry) {
    var box = el("div", null, "map-popup");
    box.appendChild(heading(labels.need, NEED_COLOUR));
    entry.needs.slice(0, 5).forEach(function (i) {
      var r = data.needs[i], item = data.items[r[3]], block = el("div", null, "mb-2");
      block.appendChild(link(detailUrl(frame.dataset.orgUrl, data.orgs[r[1]][0]), orgName(r[1])));
      block.appendChild(el("div", (locale.indexOf("zh") === 0 ? item[2] : item[1]) + ": " + quantityText(r[4], item)));
      block.appendChild(el("div", labels.priority + " " + r[5] + " · " + labels.needed_by + " " + dayText(r[6]), "small text-muted"));
      block.appendChild(link(detailUrl(frame.dataset.needUrl, r[0]), labels.open_need));
      box.appendChild(block);
    });
    if (entry.needs.length > 5) { box.appendChild(el("div", "+ " + (entry.needs.length - 5), "text-muted")); }
    return box;
  }

  return {line: linePopup, point: pointPopup, need: needPopup};
};

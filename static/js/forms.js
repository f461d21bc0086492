// Shows only the chosen item's standards in the donation and need forms, and ticks the
// recipient's default accepted standards for a new need. The server checks everything
// again; this script only makes the form shorter.
(function () {
  "use strict";
  function parse(el, name) {
    try { return JSON.parse(el.getAttribute(name) || "{}"); } catch (e) { return {}; }
  }
  function setup(form) {
    var byItem = parse(form, "data-standards");
    var defaults = parse(form, "data-defaults");
    var item = form.querySelector("#item_code");
    if (!item) { return; }
    function refresh(initial) {
      var allowed = byItem[item.value] || [];
      var select = form.querySelector("#standard_code");
      if (select) {
        Array.prototype.forEach.call(select.options, function (opt) {
          opt.hidden = opt.value !== "" && allowed.indexOf(opt.value) < 0;
        });
        if (select.selectedOptions[0] && select.selectedOptions[0].hidden) { select.value = ""; }
      }
      var boxes = form.querySelectorAll("[data-option]");
      var anyTicked = false;
      Array.prototype.forEach.call(boxes, function (box) {
        var code = box.getAttribute("data-option");
        var input = box.querySelector("input");
        box.hidden = allowed.indexOf(code) < 0;
        if (box.hidden) { input.checked = false; }
        if (input.checked) { anyTicked = true; }
      });
      if (!anyTicked && defaults[item.value] && !(initial && form.dataset.edit)) {
        Array.prototype.forEach.call(boxes, function (box) {
          var input = box.querySelector("input");
          input.checked = defaults[item.value].indexOf(box.getAttribute("data-option")) >= 0;
        });
      }
    }
    item.addEventListener("change", function () { refresh(false); });
    refresh(true);
  }
  ["donation-form", "need-form"].forEach(function (id) {
    var form = document.getElementById(id);
    if (form) { setup(form); }
  });
})();

// Copy a citation or a permalink with one click. Without JavaScript the buttons stay hidden
// and the permalink is an ordinary link.
(function () {
  "use strict";
  var status = document.querySelector(".status");

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }

  function announce(button) {
    var label = status ? status.getAttribute("data-copied") : "Copied";
    if (status) { status.textContent = ""; status.textContent = label; }
    button.classList.add("done");
    button.setAttribute("data-label", label);
    window.setTimeout(function () { button.classList.remove("done"); }, 1500);
  }

  document.querySelectorAll("button.copy").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var text = button.getAttribute("data-copy");
      var href = button.getAttribute("data-copy-href");
      if (href) { text = new URL(href, window.location.href).href; }
      button.setAttribute("data-copied-text", text);
      copy(text).then(function () { announce(button); }, function () {
        window.prompt("", text);
      });
    });
  });
})();

// Search in this document: "next" and "previous" step through the paragraphs that match,
// and the count says where we are. Without JavaScript the links jump to the first and last.
(function () {
  "use strict";
  var form = document.querySelector("form.find");
  var rows = Array.prototype.slice.call(document.querySelectorAll(".row.found"));
  if (!form || !rows.length) { return; }
  var count = form.querySelector(".find-count");
  var template = form.getAttribute("data-hit-at") || "{i} / {n}";
  var total = count ? count.textContent : "";
  var at = -1;
  var fromHash = rows.findIndex(function (row) { return "#" + row.id === window.location.hash; });
  if (fromHash >= 0) { at = fromHash; }

  function show(index) {
    at = (index + rows.length) % rows.length;
    rows.forEach(function (row) { row.classList.remove("current"); });
    var row = rows[at];
    row.classList.add("current");
    row.scrollIntoView({ block: "center" });
    if (window.history && window.history.replaceState) {
      window.history.replaceState(null, "", "#" + row.id);
    }
    if (count) {
      count.textContent = total + " · " +
        template.replace("{i}", String(at + 1)).replace("{n}", String(rows.length));
    }
  }

  form.querySelectorAll(".find-step").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var step = Number(link.getAttribute("data-step"));
      show(at < 0 ? (step > 0 ? 0 : rows.length - 1) : at + step);
    });
  });
})();

// On a phone the filter lists start folded so the results come first; chips stay visible.
(function () {
  "use strict";
  if (!window.matchMedia || !window.matchMedia("(max-width: 760px)").matches) { return; }
  document.querySelectorAll("details.facet-box").forEach(function (box) { box.open = false; });
})();

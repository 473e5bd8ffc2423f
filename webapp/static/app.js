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

// The topic page: the "Mention someone" buttons type @username into the reply, and new
// messages brought by the poll keep the newest in view when the reader was at the bottom.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-mention]");
    if (!button) return;
    var box = document.querySelector("#reply-form textarea");
    if (!box) return;
    var text = "@" + button.getAttribute("data-mention") + " ";
    var at = box.selectionStart != null ? box.selectionStart : box.value.length;
    var before = box.value.slice(0, at);
    if (before && !/\s$/.test(before)) text = " " + text;
    box.value = before + text + box.value.slice(at);
    box.focus();
    box.selectionStart = box.selectionEnd = at + text.length;
  });
  var atBottom = true;
  document.addEventListener("htmx:beforeSwap", function () {
    atBottom = window.innerHeight + window.scrollY >= document.body.scrollHeight - 80;
  });
  document.addEventListener("htmx:afterSwap", function () {
    if (atBottom) window.scrollTo(0, document.body.scrollHeight);
  });
})();

// Interview form: show the answers for "interviewed", the reason for "not assessed".
// Without JavaScript both parts show and the server ignores the one that does not apply.
(function () {
  "use strict";
  var radios = document.querySelectorAll("input[name=outcome]");
  var interviewed = document.getElementById("interviewed-part");
  var notAssessed = document.getElementById("not-assessed-part");
  if (!radios.length || !interviewed || !notAssessed) {
    return;
  }
  function chosen() {
    for (var i = 0; i < radios.length; i += 1) {
      if (radios[i].checked) {
        return radios[i].value;
      }
    }
    return "";
  }
  function update() {
    var outcome = chosen();
    interviewed.hidden = outcome === "not_assessed";
    notAssessed.hidden = outcome === "interviewed";
  }
  for (var i = 0; i < radios.length; i += 1) {
    radios[i].addEventListener("change", update);
  }
  update();
})();

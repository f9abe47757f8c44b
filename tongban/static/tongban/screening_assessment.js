// Assessment form: the age on the assessment date follows the date as it is changed.
// Without JavaScript the age shown is the one for the date the page opened with; the
// server computes the age it judges from the date of birth either way.
(function () {
  "use strict";
  var shown = document.getElementById("age-shown");
  var value = document.getElementById("age-value");
  var input = document.querySelector("input[name=assessed_on]");
  if (!shown || !value || !input) {
    return;
  }
  var born = shown.getAttribute("data-born").split("-").map(Number);
  function update() {
    var day = (input.value || "").split("-").map(Number);
    if (day.length !== 3 || day.some(isNaN)) {
      value.textContent = "—";
      return;
    }
    var age = day[0] - born[0];
    if (day[1] < born[1] || (day[1] === born[1] && day[2] < born[2])) {
      age -= 1;
    }
    value.textContent = age >= 0 ? String(age) : "—";
  }
  input.addEventListener("change", update);
  input.addEventListener("input", update);
  update();
})();

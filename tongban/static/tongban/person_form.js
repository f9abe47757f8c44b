// The caregiver forms: the agreement to be contacted for the evaluation is optional, but a
// date signed goes with a witness. Once either is typed, both are marked required.
// Without JavaScript nothing is marked and the server still asks for the missing one.
(function () {
  "use strict";
  var signed = document.getElementById("id_contact_signed_on");
  var witness = document.getElementById("id_contact_witness");
  if (!signed || !witness) {
    return;
  }
  var blocks = ["contact_signed_on", "contact_witness"].map(function (name) {
    return document.getElementById("field-" + name);
  });
  function update() {
    var started = signed.value !== "" || witness.value.trim() !== "";
    blocks.forEach(function (block) {
      if (block) {
        block.classList.toggle("required", started);
      }
    });
    signed.required = started;
    witness.required = started;
  }
  signed.addEventListener("input", update);
  signed.addEventListener("change", update);
  witness.addEventListener("input", update);
  update();
})();

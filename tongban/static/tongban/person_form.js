// "Add a person": show only the fields the chosen role needs, and mark them required.
// Without JavaScript every field shows and the server still checks what the role needs.
(function () {
  "use strict";
  var role = document.getElementById("id_role");
  if (!role) {
    return;
  }
  var groups = { enrol: ["community", "started_on"], care: ["cared_for", "relationship"] };
  // Shown for a caregiver but optional: not every caregiver agrees to be contacted.
  var careOptional = ["contact_agreed_on"];
  function toggle(names, show, required) {
    names.forEach(function (name) {
      var block = document.getElementById("field-" + name);
      if (block) {
        block.hidden = !show;
        block.classList.toggle("required", show && required);
      }
    });
  }
  function update() {
    var caregiver = role.value === "caregiver";
    toggle(groups.enrol, !caregiver, true);
    toggle(groups.care, caregiver, true);
    toggle(careOptional, caregiver, false);
  }
  role.addEventListener("change", update);
  update();
})();

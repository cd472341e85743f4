// The counter: a document reader in keyboard-wedge mode types the MRZ lines, each followed by Enter.
// Submit as soon as the typed characters make up a whole MRZ (TD1 3x30, TD2/MRV-B 2x36,
// TD3/MRV-A 2x44); before that, Enter just starts the next line.
(function () {
  "use strict";
  var COMPLETE = { 90: true, 72: true, 88: true };
  document.addEventListener("DOMContentLoaded", function () {
    var field = document.querySelector("textarea.mrz");
    if (!field) { return; }
    // Choosing a lane sets its direction (a lane for both directions leaves the choice alone).
    var map = document.getElementById("lane-directions");
    var lanes = map ? JSON.parse(map.textContent) : {};
    var lane = field.form.elements.lane;
    var direction = field.form.elements.direction;
    if (lane && direction) {
      lane.addEventListener("change", function () {
        if (lanes[lane.value]) { direction.value = lanes[lane.value]; }
      });
    }
    // A fast reader may have started typing before this script ran (a slow link, a loaded machine):
    // leave the focus where the officer put it, and never select what was typed, only what the
    // server sent back.
    var active = document.activeElement;
    if (!active || active === document.body) { field.focus(); }
    // After a misread MRZ the old text is still in the field: select it, so the reader's rescan
    // replaces it instead of being typed in front of it.
    if (field.value && field.value === field.defaultValue && document.activeElement === field) { field.select(); }
    field.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") { return; }
      var length = field.value.replace(/\s+/g, "").length;
      if (COMPLETE[length]) {
        event.preventDefault();
        field.form.requestSubmit();
      }
    });
  });
})();

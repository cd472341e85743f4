// The decision at the counter, by keyboard: focus lands on the decision the checks suggest; single keys
// decide (A admit or allow exit, R refer, F refuse, V void, Esc back to the reader). Refusal grounds appear
// only when refusing; refer and void ask for their reason first. Without this script the form still works
// (every part shown, buttons submit as they are).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("decision-form");
    if (!form) { return; }
    var grounds = form.querySelector(".grounds");
    var note = form.elements.note;
    var pending = null; // the button that Enter submits while a reason is being given

    function button(key) { return form.querySelector("[data-key='" + key + "']"); }
    function hide(element, hidden) { if (element) { element.hidden = hidden; } }

    if (grounds && grounds.hasAttribute("data-collapsed")) { hide(grounds, true); }

    function typing(target) {
      var tag = target && target.tagName;
      return tag === "TEXTAREA" || tag === "SELECT" ||
        (tag === "INPUT" && ["checkbox", "radio", "submit", "button"].indexOf(target.type) < 0);
    }

    function refuse(refuseButton) {
      if (grounds && grounds.hidden) {
        hide(grounds, false);
        var label = refuseButton.querySelector("[data-confirm]");
        if (label) { label.textContent = label.getAttribute("data-confirm"); }
        pending = refuseButton;
        var first = grounds.querySelector("input");
        if (first) { first.focus(); }
        return false;
      }
      return true;
    }

    function needsReason(target) {
      // Refer and void need a reason: the note is filled in first, then Enter submits.
      if (!note || note.value.trim()) { return false; }
      pending = target;
      note.focus();
      note.setAttribute("aria-describedby", "decision-title");
      return true;
    }

    function act(target) {
      if (!target) { return; }
      var decision = target.value;
      if (decision === "refuse" && !refuse(target)) { return; }
      if ((decision === "refer" || target.hasAttribute("data-needs-reason")) && needsReason(target)) { return; }
      form.requestSubmit(target);
    }

    form.addEventListener("click", function (event) {
      var target = event.target.closest("button[type=submit]");
      if (!target || !form.contains(target)) { return; }
      if (target.value === "refuse" && grounds && grounds.hidden) {
        event.preventDefault();
        refuse(target);
      } else if ((target.value === "refer" || target.hasAttribute("data-needs-reason")) && needsReason(target)) {
        event.preventDefault();
      }
    });

    form.addEventListener("keydown", function (event) {
      // Enter while giving a reason or ticking grounds submits the pending decision, never the first button.
      if (event.key === "Enter" && !event.shiftKey && pending && event.target.tagName !== "BUTTON") {
        event.preventDefault();
        form.requestSubmit(pending);
      }
    });

    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) { return; }
      if (event.key === "Escape") {
        // in a text field Esc first leaves the field (what was typed is kept); otherwise back to the reader
        if (typing(event.target)) { event.target.blur(); return; }
        window.location.href = form.getAttribute("data-counter-url");
        return;
      }
      if (typing(event.target)) { return; }
      var voidReason = document.getElementById("void-reason");
      if (event.key.toLowerCase() === "v" && voidReason) {
        event.preventDefault();
        voidReason.focus();  // the reason first; Enter in the field voids
        return;
      }
      var target = button(event.key.toLowerCase());
      if (target) {
        event.preventDefault();
        act(target);
      }
    });

    // Focus on the decision the checks suggest (a clean entry: A or Enter admits).
    var suggested = { admit: "a", refer: "r", refuse: "f" }[form.getAttribute("data-suggested")];
    var first = form.querySelector(".error") ? null : button(suggested || "a");
    (first || button("a") || form.querySelector("button")).focus();
  });
})();

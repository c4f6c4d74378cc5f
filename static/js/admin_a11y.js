/* Sinau: give every rich-text editor and tag input in the Wagtail admin an
   accessible name. Draftail's editable area (role="textbox") inside a StreamField block
   has no label of its own, so screen readers announce a nameless text box
   (axe: aria-input-field-name). Name it after its block, or "Text". */
(function () {
  "use strict";
  var fallback = document.currentScript && document.currentScript.dataset.label;
  function blockLabel(editor) {
    var block = editor.closest("[data-contentpath]");
    var heading = block && block.querySelector(".w-panel__heading, [data-panel-heading-text]");
    var text = heading && heading.textContent.trim();
    return text || fallback || "Text";
  }
  function nameTagInputs(root) {
    // jQuery UI's tag-it input (image and document tags) has no label.
    root.querySelectorAll("input.ui-autocomplete-input").forEach(function (input) {
      if (input.hasAttribute("aria-label") || input.labels && input.labels.length) return;
      var field = input.closest("[data-field], .w-field");
      var label = field && field.querySelector("label");
      input.setAttribute("aria-label", (label && label.textContent.trim()) || "Tags");
    });
  }
  function name(root) {
    nameTagInputs(root);
    root.querySelectorAll('.public-DraftEditor-content[role="textbox"]').forEach(function (editor) {
      if (!editor.hasAttribute("aria-label") && !editor.hasAttribute("aria-labelledby")) {
        editor.setAttribute("aria-label", blockLabel(editor));
      }
    });
  }
  function start() {
    name(document);
    new MutationObserver(function () { name(document); }).observe(document.body, {
      childList: true,
      subtree: true,
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

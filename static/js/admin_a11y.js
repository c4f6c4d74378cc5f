/* Sinau: give every rich-text editor in the Wagtail admin an accessible
   name. Draftail's editable area (role="textbox") inside a StreamField block
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
  function name(root) {
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

/* RoleAtlas: behaviour shared by every page. Loaded with defer from templates/base.html.

   The header's menu button. Below 720 px, site.css folds the menu (links, language switch,
   log in/out) behind the button, but only where scripting is enabled (@media (scripting:
   enabled)), so the page is laid out folded from its first paint and nothing moves when this
   script arrives; without JavaScript the menu simply stays open. */
(function () {
  "use strict";

  var button = document.querySelector(".menu-button");
  var menu = button && document.getElementById(button.getAttribute("aria-controls"));
  if (!menu) return;

  // Open or close the menu; the button's aria-expanded says which.
  function setOpen(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("is-open", open);
  }

  button.addEventListener("click", function () {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });

  // Escape closes an open menu and gives the focus back to its button.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      button.focus();
    }
  });
})();

/*
 * The plan page's drag and drop (orgchart/plan_views.py). chart.js draws the plan's proposed
 * organisation; this file only lets a card be dragged with a mouse or a pen onto another card.
 * The drop fills the "move a role" form under the chart (#plan-form-move: the role, its new
 * superior) and submits it, so a drop and the form are one path: the server adds the change or
 * shows its refusal (a loop, an archived role) beside the form, in Chinese, the choice kept.
 *
 * A click without moving still opens the job description, as on the chart page. Touch screens keep
 * chart.js's taps, pans and pinches; there (and without a mouse) the form is the way to move a role.
 * Needs chart.js's g.node[data-id] on each card; a removed role (div[data-ghost]) is neither dragged
 * nor a target. No user-facing text here: the dragged label is the card's own title.
 */
(function () {
  "use strict";

  var app = document.getElementById("orgchart-app");
  var form = document.getElementById("plan-form-move");
  if (!app || !form) return;
  var roleSelect = form.querySelector("select[name='move-role']");
  var parentSelect = form.querySelector("select[name='move-parent']");
  if (!roleSelect || !parentSelect) return;

  var THRESHOLD = 6; // px a pointer moves before a press becomes a drag
  var drag = null;
  var droppedAt = -Infinity;

  function cardNode(element) {
    var g = element && element.closest ? element.closest("g.node[data-id]") : null;
    return g && g.querySelector("a.oc-card") ? g : null; // a real card, not a removed role's ghost
  }

  function nodeAt(x, y) {
    return cardNode(document.elementFromPoint(x, y));
  }

  function setTarget(g) {
    if (drag.target === g) return;
    if (drag.target) drag.target.querySelector(".oc-card").classList.remove("is-drop-target");
    drag.target = g && g !== drag.source ? g : null;
    if (drag.target) drag.target.querySelector(".oc-card").classList.add("is-drop-target");
  }

  function start(event) {
    drag.started = true;
    drag.source.querySelector(".oc-card").classList.add("is-dragged");
    drag.label = document.createElement("div");
    drag.label.className = "plan-drag-label";
    drag.label.textContent = drag.source.querySelector(".oc-title").textContent;
    document.body.appendChild(drag.label);
    document.body.classList.add("is-dragging-card");
    move(event);
  }

  function move(event) {
    if (!drag) return;
    if (!drag.started) {
      if (Math.hypot(event.clientX - drag.x, event.clientY - drag.y) < THRESHOLD) return;
      start(event);
      return;
    }
    drag.label.style.setProperty("transform", "translate(" + (event.clientX + 14) + "px," + (event.clientY + 14) + "px)");
    setTarget(nodeAt(event.clientX, event.clientY));
  }

  function end(event) {
    window.removeEventListener("pointermove", move);
    window.removeEventListener("pointerup", end);
    window.removeEventListener("pointercancel", end);
    if (!drag) return;
    var current = drag;
    drag = null;
    if (!current.started) return; // a click: the card's link
    droppedAt = Date.now();
    current.source.querySelector(".oc-card").classList.remove("is-dragged");
    current.label.remove();
    document.body.classList.remove("is-dragging-card");
    var target = event.type === "pointerup" ? current.target : null;
    if (target) target.querySelector(".oc-card").classList.remove("is-drop-target");
    if (!target) return;
    roleSelect.value = current.source.dataset.id;
    parentSelect.value = target.dataset.id;
    if (roleSelect.value !== current.source.dataset.id || parentSelect.value !== target.dataset.id) return;
    form.classList.add("is-sending");
    form.requestSubmit();
  }

  // Capture, before d3-zoom: pressing a card starts a drag instead of a pan (preventDefault keeps
  // the browser's mousedown, which d3-zoom listens to, and text selection from happening).
  app.addEventListener("pointerdown", function (event) {
    if (event.pointerType === "touch" || event.button !== 0 || !event.isPrimary) return;
    var source = cardNode(event.target);
    if (!source || !event.target.closest(".oc-card")) return;
    event.preventDefault();
    drag = { source: source, x: event.clientX, y: event.clientY, started: false, target: null, label: null };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", end);
    window.addEventListener("pointercancel", end);
  }, true);

  // The click that ends a drag is not a click on a card's link.
  app.addEventListener("click", function (event) {
    if (Date.now() - droppedAt < 500) { event.preventDefault(); event.stopPropagation(); }
  }, true);
  // Links are draggable to the desktop by default; here a card is dragged onto another one.
  app.addEventListener("dragstart", function (event) { event.preventDefault(); });
})();

/* The job-architecture matrix with career paths shown (/roles/architecture/?paths=1): an arrow
   from each role to every role it leads to, drawn in an SVG laid over the matrix inside its
   scrolling box. The page lists the same paths as text ("→ 店长") under each role, which is
   what readers without JavaScript, and screen readers, get. */
(function () {
  "use strict";

  var box = document.querySelector(".architecture-scroll");
  var table = box && box.querySelector("table.with-paths");
  if (!table) return;
  var SVG = "http://www.w3.org/2000/svg";

  function centre(el, origin) {
    var r = el.getBoundingClientRect();
    return { x: r.left - origin.left + box.scrollLeft + r.width / 2, top: r.top - origin.top + box.scrollTop,
             bottom: r.bottom - origin.top + box.scrollTop };
  }

  function draw() {
    var old = box.querySelector(".path-arrows");
    if (old) old.remove();
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "path-arrows");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("width", table.scrollWidth);
    svg.setAttribute("height", table.scrollHeight);
    var defs = document.createElementNS(SVG, "defs");
    var marker = document.createElementNS(SVG, "marker");
    marker.setAttribute("id", "path-head");
    marker.setAttribute("viewBox", "0 0 10 10");
    marker.setAttribute("refX", "9");
    marker.setAttribute("refY", "5");
    marker.setAttribute("markerWidth", "7");
    marker.setAttribute("markerHeight", "7");
    marker.setAttribute("orient", "auto-start-reverse");
    var head = document.createElementNS(SVG, "path");
    head.setAttribute("d", "M0,0 L10,5 L0,10 z");
    head.setAttribute("style", "fill: #c0392b; stroke: none");
    marker.appendChild(head);
    defs.appendChild(marker);
    svg.appendChild(defs);
    var origin = box.getBoundingClientRect();
    table.querySelectorAll(".path-note").forEach(function (note) {
      var from = document.getElementById("arch-role-" + note.dataset.from);
      var to = document.getElementById("arch-role-" + note.dataset.to);
      if (!from || !to) return;
      var a = centre(from, origin), b = centre(to, origin);
      // Promotions go up the matrix: from the top of one role to the bottom of the other.
      var up = b.bottom <= a.top;
      var y1 = up ? a.top : a.bottom, y2 = up ? b.bottom : b.top;
      var bend = (y1 + y2) / 2;
      var line = document.createElementNS(SVG, "path");
      line.setAttribute("d", "M" + a.x + "," + y1 + " C" + a.x + "," + bend + " " + b.x + "," + bend + " " + b.x + "," + y2);
      line.setAttribute("marker-end", "url(#path-head)");
      svg.appendChild(line);
    });
    box.appendChild(svg);
  }

  draw();
  window.addEventListener("resize", draw);
})();

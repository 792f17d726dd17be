/*
 * The interactive org chart: draws the flat role list in #orgchart-data with d3-org-chart
 * (vendored by `make vendor`). Without JavaScript, or if drawing fails, the nested list
 * rendered by the server stays the page.
 *
 * Card sizes and gaps come from #orgchart-geometry, the server layout's own (chartfile/layout.py).
 * Every word shown comes from #orgchart-labels, translated in the template; this file holds
 * no user-facing text. Node cards are HTML strings (d3-org-chart wants those), so they are
 * built only with the `html` tag below, which escapes every interpolated value.
 *
 * With a mouse or a keyboard a card is a link to its job description and the button under it
 * opens or closes its reports. On a touch screen a tap on a card opens or closes its reports (on
 * a card without reports it follows the link), a long press or the card's own job-description
 * button opens the job description; two fingers zoom and one pans (d3-zoom; chart.css keeps the
 * browser from scrolling or zooming the page instead).
 *
 * For readers who may see people's names the data has a "people" column (the server sends it to
 * no one else): each card then names who holds the role (the first few and "+N") on a button
 * that lists them all, with their start dates, in #orgchart-people; the search finds people by
 * name or employee number and reveals their role.
 *
 * Hooks for tests and benchmarks: performance.mark("orgchart-drawn") after the first draw,
 * window.roleChart (API below), #orgchart-app[data-state="ready"], g.node[data-slug].
 */
(function () {
  "use strict";

  var root = document.getElementById("orgchart");
  var app = document.getElementById("orgchart-app");
  var dataEl = document.getElementById("orgchart-data");
  var labelsEl = document.getElementById("orgchart-labels");
  var geometryEl = document.getElementById("orgchart-geometry");
  if (!root || !app || !dataEl || !labelsEl || !geometryEl) return;
  if (!window.d3 || typeof window.d3.OrgChart !== "function") {
    app.dataset.state = "unavailable"; // vendored libraries missing: keep the outline
    return;
  }
  var d3 = window.d3;

  performance.mark("orgchart-data");
  var raw = JSON.parse(dataEl.textContent);
  var labels = JSON.parse(labelsEl.textContent);
  var geometry = JSON.parse(geometryEl.textContent);

  // ---------------------------------------------------------------- escaping

  var ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  function escapeHtml(value) {
    return String(value).replace(/[&<>"']/g, function (c) { return ESCAPES[c]; });
  }
  function Markup(text) { this.text = text; }
  Markup.prototype.toString = function () { return this.text; };
  function toMarkup(value) {
    if (value instanceof Markup) return value.text;
    if (Array.isArray(value)) return value.map(toMarkup).join("");
    if (value === null || value === undefined || value === false) return "";
    return escapeHtml(value);
  }
  /** Tagged template: literal parts are trusted markup, every ${value} is escaped. */
  function html(parts) {
    var out = parts[0];
    for (var i = 1; i < parts.length; i++) out += toMarkup(arguments[i]) + parts[i];
    return new Markup(out);
  }
  function format(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (m, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : m;
    });
  }
  function safeColor(value) {
    return /^#[0-9a-fA-F]{3,8}$/.test(value || "") ? value : "#4e79a7";
  }
  function safeUrl(value) {
    // The server sends site-relative links; anything else is not followed.
    return typeof value === "string" && value.charAt(0) === "/" && value.charAt(1) !== "/" ? value : "#";
  }

  // ------------------------------------------------------------------- data

  // One invisible root above the real ones, so several trees (or a forest after hidden
  // drafts) still make one hierarchy for d3.stratify.
  var ROOT_ID = "orgchart-root";
  var DEFAULT_DEPTH = 2; // real levels 0..2 open: three levels on first draw
  var MAX_FIRST_NODES = 250; // ... fewer if that is too many cards for a quick first draw

  var byId = new Map();
  var bySlug = new Map();
  var nodes = [{ id: ROOT_ID, parentId: null, _virtual: true }];
  // The server sends one array per role (raw.columns names the positions) plus
  // department and grade tables; unpack them into the objects drawn below.
  var col = {};
  (raw.columns || []).forEach(function (name, i) { col[name] = i; });
  // ?compare=: the server's marks by role id ([mark, changed fields]) and the rows of roles
  // removed since that day ("ghosts", drawn faded where they were); ?cost for pay readers only.
  var comparison = raw.compare || null;
  var marks = comparison ? comparison.marks : {};
  var costs = raw.cost || null;
  // Who holds each role ([name, employee number, start date or null] each), for readers who may see names.
  var PEOPLE = col.people !== undefined;
  function addNode(r, ghost) {
    var dept = raw.departments[r[col.department]] || {};
    var headcount = r[col.headcount];
    var filled = r[col.filled];
    var node = {
      id: String(r[col.id]),
      parentId: r[col.parentId] == null ? null : String(r[col.parentId]),
      slug: r[col.slug],
      title: r[col.title],
      url: raw.roleUrl + r[col.slug] + "/",
      department: dept.name,
      color: dept.color,
      grade: raw.grades[r[col.grade]],
      headcount: headcount,
      filled: filled,
      vacant: Math.max(headcount - filled, 0),
      overstaffed: !ghost && filled > headcount,
      draft: r[col.draft],
      ghost: ghost,
      mark: ghost ? "removed" : (marks[r[col.id]] || [])[0] || "",
      changed: ghost ? [] : (marks[r[col.id]] || [])[1] || [],
      cost: costs && !ghost ? costs[r[col.id]] : null,
      people: PEOPLE ? r[col.people] : null
    };
    byId.set(node.id, node);
    if (!ghost) bySlug.set(node.slug, node); // a removed role is not where search or ?focus= lead
    nodes.push(node);
  }
  (raw.rows || []).forEach(function (r) { addNode(r, false); });
  if (comparison) comparison.ghosts.forEach(function (r) { addNode(r, true); });
  nodes.forEach(function (node) {
    if (node._virtual) return;
    var parent = node.parentId && byId.get(node.parentId);
    if (!parent) node.parentId = ROOT_ID;
    node._parent = parent || null;
    node._depth = parent ? parent._depth + 1 : 0; // tree order: parents come first
    node._dotted = [];
    node._kids = [];
    if (parent) parent._kids.push(node);
    node._search = [node.title, node.department, node.grade, node.slug].join("\n").toLocaleLowerCase();
  });
  var connections = [];
  (raw.dotted || []).forEach(function (pair) {
    var from = byId.get(String(pair[0]));
    var to = byId.get(String(pair[1]));
    if (!from || !to) return;
    from._dotted.push(to.title);
    connections.push({ from: from.id, to: to.id });
  });
  var realNodes = nodes.slice(1);
  var shownNodes = realNodes.filter(function (n) { return !n.ghost; }); // the day's organisation
  // Everyone in post in the day's organisation, as the search looks them up.
  var people = [];
  if (PEOPLE) {
    shownNodes.forEach(function (n) {
      n.people.forEach(function (person, i) {
        people.push({ node: n, index: i, name: person[0], number: person[1],
                      key: (person[0] + "\n" + person[1]).toLocaleLowerCase() });
      });
    });
  }

  function ancestors(node) {
    var chain = [];
    for (var p = node._parent; p; p = p._parent) chain.push(p);
    return chain;
  }

  function openToDepth(depth) {
    var count = 0;
    realNodes.forEach(function (n) {
      n._expanded = n._depth <= depth;
      if (n._expanded) count++;
    });
    return count;
  }

  // ------------------------------------------------------------------- cards

  // A touch screen, alone or beside a mouse: the same test as chart.css's touch rules.
  var TOUCH_UI = Boolean(window.matchMedia && window.matchMedia("(any-pointer: coarse)").matches);
  var CHART_FONT = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif";
  var CARD_W = geometry.cardWidth;
  var COST_LINE = 20; // px: the subtree's monthly cost, a line of its own on pay readers' cards
  var CARD_H = geometry.cardHeight + (costs ? COST_LINE : 0) + (PEOPLE ? geometry.peopleLine : 0);
  app.style.setProperty("--oc-people-line", geometry.peopleLine + "px"); // chart.css makes room with it

  function tooltip(n) {
    var lines = [n.title, [n.department, n.grade].filter(Boolean).join(" · ")];
    if (n._dotted.length) lines.push(labels.dottedLine + ": " + n._dotted.join(" / "));
    if (n.mark) lines.push(labels.marks[n.mark]);
    if (n.changed.length) lines.push(changedText(n));
    return lines.join("\n");
  }

  function changedText(n) {
    var fields = n.changed.map(function (name) { return labels.fields[name] || name; }).join("、");
    return format(labels.changedFields, { day: comparison.day, fields: fields });
  }

  function costLine(n) {
    if (!n.cost) return "";
    if (n.cost.amount === null) return html`<span class="oc-cost oc-cost-unknown">${labels.costNone}</span>`;
    return html`<span class="oc-cost">${format(labels.cost, { amount: n.cost.amount })}` +
      (n.cost.unknown ? html` · <span class="oc-cost-unknown">${format(labels.costUnknown, { count: n.cost.unknown })}</span>` : "") +
      html`</span>`;
  }

  function cardContent(d) {
    var n = d.data;
    if (n._virtual) return "";
    var classes = ["oc-card"];
    if (n.draft) classes.push("is-draft");
    if (n.overstaffed) classes.push("is-overstaffed");
    if (n._highlighted) classes.push("is-highlighted");
    else if (n._upToTheRootHighlighted) classes.push("is-path");
    if (n.mark) classes.push("is-" + n.mark);
    var badges = [
      n.mark ? html`<span class="oc-badge oc-badge-${n.mark}">${labels.marks[n.mark]}</span>` : "",
      n.draft ? html`<span class="oc-badge oc-badge-draft">${labels.draft}</span>` : "",
      n.overstaffed ? html`<span class="oc-badge oc-badge-over">${labels.overstaffed}</span>` : "",
      n._dotted.length ? html`<span class="oc-badge oc-badge-dotted">${labels.dottedLine}</span>` : "",
    ];
    // Kept to a few elements per card: the cost of "expand all" at 2,000 roles is mostly DOM.
    // On a touch screen a second link, the way to the job description when a tap opens the
    // reports; out of the tab order, the card itself being the keyboard's link.
    if (costs) classes.push("has-cost");
    if (PEOPLE) classes.push("has-people");
    var body = html`<span class="oc-title">${n.title}</span><span class="oc-badges">${badges}</span>` +
      html`<span class="oc-meta">${[n.department, n.grade].filter(Boolean).join(" · ")}</span>` + costLine(n) +
      html`<span class="oc-stats"><span><b>${n.headcount}</b> ${labels.headcount}</span>` +
      html`<span class="oc-filled"><b>${n.filled}</b> ${labels.filled}</span>` +
      html`<span class="oc-vacant${n.vacant ? " has-vacancy" : ""}"><b>${n.vacant}</b> ${labels.vacant}</span></span>`;
    // A removed role is no longer in this day's organisation: a faded card, not a link.
    if (n.ghost) return html`<div class="${classes.join(" ")}" title="${tooltip(n)}" data-ghost="${n.slug}">` + body + "</div>";
    return html`<a class="${classes.join(" ")}" href="${safeUrl(n.url)}" title="${tooltip(n)}" data-slug="${n.slug}">` +
      body + "</a>" + (TOUCH_UI ? openLink(n) : "") + peopleLine(n);
  }

  /**
   * The names a card shows: all of up to geometry.cardNames people, else one fewer and the number
   * of the rest (chartfile/scene.py's card_names). A person the search found comes first.
   */
  function cardNames(n) {
    var listed = n.people;
    if (n._found != null) {
      listed = [listed[n._found]].concat(listed.filter(function (p, i) { return i !== n._found; }));
    }
    var limit = geometry.cardNames;
    var shown = listed.length <= limit ? listed : listed.slice(0, limit - 1);
    return { shown: shown, more: listed.length - shown.length };
  }

  // Outside the card's link (a button may not sit in a link), laid over the room chart.css keeps at its
  // foot, above the expand button that sits on the card's edge.
  function peopleLine(n) {
    if (!n.people) return "";
    if (!n.people.length) return html`<span class="oc-people is-empty">${labels.nobodyInPost}</span>`;
    var names = cardNames(n);
    var label = format(labels.showPeople, { count: n.people.length, title: n.title });
    // Named by what it shows (the names, read with separators) and then what it does.
    var separator = html`<span class="visually-hidden">${labels.peopleSeparator}</span>`;
    var chips = names.shown.map(function (person, i) {
      var found = i === 0 && n._found != null;
      return html`${i ? separator : ""}<span class="oc-person${found ? " is-found" : ""}">${person[0]}</span>`;
    });
    var more = names.more ? html`${separator}<span class="oc-more">${format(labels.morePeople, { count: names.more })}</span>` : "";
    return html`<button type="button" class="oc-people" data-id="${n.id}" title="${label}">${chips}${more}` +
      html`<span class="visually-hidden"> ${label}</span></button>`;
  }

  function openLink(n) {
    var label = format(labels.openJobDescription, { title: n.title });
    return html`<a class="oc-open" href="${safeUrl(n.url)}" tabindex="-1" aria-label="${label}" title="${label}">${DOCUMENT_ICON}</a>`;
  }

  // A sheet with lines, "the job description" (stroked by chart.css). Trusted markup: no values in it.
  var DOCUMENT_ICON = new Markup('<svg class="oc-open-icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">' +
    '<path d="M5 2.5h6.5l3.5 3.5v11.5h-10z M11.5 2.5v3.5h3.5 M7.5 10h5 M7.5 13h5"/></svg>');

  function buttonContent(args) {
    var node = args.node;
    if (node.data._virtual) return "";
    var open = Boolean(node.children);
    return html`<span class="oc-toggle${open ? " is-open" : ""}"><span class="oc-toggle-icon" aria-hidden="true"></span><span class="oc-toggle-count">${node.data._directSubordinates}</span></span>`.toString();
  }

  // Runs for every drawn node after each update (this = its <g>).
  function decorateNode(d) {
    var n = d.data;
    var g = d3.select(this);
    g.classed("is-virtual", Boolean(n._virtual))
      .attr("data-id", n._virtual ? null : n.id)
      .attr("data-slug", n._virtual || n.ghost ? null : n.slug)
      .attr("data-mark", n.mark || null);
    g.select(".node-rect").attr("stroke", "none").attr("fill", "none");
    var card = this.querySelector(".oc-card");
    if (card) card.style.setProperty("--oc-dept", safeColor(n.color)); // CSSOM: no inline style markup
    var hasReports = !n._virtual && n._directSubordinates > 0;
    var open = Boolean(d.children);
    var button = g.select(".node-button-g");
    if (n._virtual) button.attr("display", "none");
    button
      .attr("tabindex", hasReports ? 0 : null)
      .attr("role", hasReports ? "button" : null)
      .attr("aria-expanded", hasReports ? String(open) : null)
      .attr("aria-label", hasReports ? format(open ? labels.hideReports : labels.showReports, { count: n._directSubordinates }) : null);
  }

  function styleLink(d) {
    var path = d3.select(this);
    var fromVirtual = d.parent && d.parent.data._virtual;
    if (fromVirtual) path.attr("display", "none");
    path.classed("is-path", Boolean(d.data._upToTheRootHighlighted) && !fromVirtual);
    if (d.data._upToTheRootHighlighted) path.raise();
  }

  function styleConnection() {
    d3.select(this)
      .classed("oc-dotted", true)
      .attr("marker-start", null)
      .attr("marker-end", "url(#oc-dotted-arrow)")
      .attr("pointer-events", "none");
  }

  // From the subordinate's top to the dotted-line superior's bottom, a quarter card off centre
  // so it does not run into the expand buttons or the solid lines.
  function dottedPath(link) {
    var off = CARD_W / 4;
    var sx = link.source.x + off, sy = link.source.y;
    var tx = link.target.x + off, ty = link.target.y + 3;
    var bend = Math.max(40, Math.abs(sy - ty) / 2);
    var dir = ty < sy ? -1 : 1;
    return "M" + sx + "," + sy + "C" + sx + "," + (sy + dir * bend) + " " + tx + "," + (ty - dir * bend) + " " + tx + "," + ty;
  }

  function defs() {
    return '<defs><marker id="oc-dotted-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" ' +
      'orient="auto-start-reverse" markerUnits="strokeWidth"><path d="M0,0 L10,5 L0,10 z" class="oc-dotted-arrowhead"></path></marker></defs>';
  }

  // ------------------------------------------------------------------- chart

  var drawn = false;
  var reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var ANIMATE_UP_TO = 300; // above this many drawn cards, changes are instant

  var chart = new d3.OrgChart();
  var state = chart.getChartState();

  function visibleTreeNodes() {
    return state.root ? state.root.descendants().filter(function (d) { return !d.data._virtual; }) : [];
  }

  // Every redraw, including the library's own after a node's button, passes here. Past a few
  // hundred cards, animating (and moving) them costs more than drawing them afresh.
  var libraryUpdate = chart.update.bind(chart);
  chart.update = function (source) {
    var before = state.nodesWrapper ? state.nodesWrapper.node().childElementCount : 0;
    var after = state.root ? state.root.descendants().length : 0;
    var big = Math.max(before, after) > ANIMATE_UP_TO;
    state.duration = reducedMotion || big || !drawn ? 0 : 350;
    if (before > ANIMATE_UP_TO) {
      [state.nodesWrapper, state.linksWrapper, state.connectionsWrapper].forEach(function (layer) {
        layer.selectAll("*").interrupt().remove();
      });
    }
    return libraryUpdate(source);
  };

  chart
    .container(app)
    .data(nodes)
    .connections(connections)
    .nodeWidth(function (d) { return d.data._virtual ? 1 : CARD_W; })
    .nodeHeight(function (d) { return d.data._virtual ? 1 : CARD_H; })
    .childrenMargin(function (d) { return d.data._virtual ? 0 : geometry.levelGap; })
    .siblingsMargin(function () { return geometry.siblingGap; })
    .neighbourMargin(function () { return geometry.neighbourGap; })
    .compactMarginPair(function () { return geometry.pairGap; })
    .compactMarginBetween(function () { return geometry.stackGap; })
    // The button's (transparent) hit area: a finger's 44 px on a touch screen.
    .nodeButtonWidth(function () { return TOUCH_UI ? 56 : 52; })
    .nodeButtonHeight(function () { return TOUCH_UI ? 44 : 24; })
    .nodeButtonX(function () { return TOUCH_UI ? -28 : -26; })
    .nodeButtonY(function () { return TOUCH_UI ? -22 : -12; })
    .linkYOffset(0)
    .rootMargin(geometry.margin)
    .scaleExtent([0.04, 3])
    .minPagingVisibleNodes(function () { return Infinity; }) // no paging (its button text is not ours)
    .defaultFont(CHART_FONT) // cards set their own; a computed style here would force a layout
    .setActiveNodeCentered(true)
    .nodeContent(cardContent)
    .buttonContent(buttonContent)
    .nodeUpdate(decorateNode)
    .linkUpdate(styleLink)
    .connectionsUpdate(styleConnection)
    .defs(defs)
    .linkGroupArc(dottedPath)
    .onNodeClick(function () { /* the card is a link to the job description */ })
    .onExpandOrCollapse(function (d) {
      // The library clears the flag on the node it collapses; keep the node itself shown.
      d.data._expanded = true;
    });

  // ---------------------------------------------------------------- viewport

  function viewportSize() {
    return { w: state.svgWidth, h: state.svgHeight };
  }

  function boundsOf(list) {
    var b = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
    list.forEach(function (d) {
      b.x0 = Math.min(b.x0, d.x - d.width / 2);
      b.x1 = Math.max(b.x1, d.x + d.width / 2);
      b.y0 = Math.min(b.y0, d.y);
      b.y1 = Math.max(b.y1, d.y + d.height);
    });
    return b;
  }

  function applyTransform(k, cx, cy, animate, anchorTop) {
    var size = viewportSize();
    var tx = size.w / 2 - cx * k;
    var ty = anchorTop ? 24 - cy * k : size.h / 2 - cy * k;
    var t = d3.zoomIdentity.translate(tx, ty).scale(k);
    var target = animate && !reducedMotion ? state.svg.transition().duration(400) : state.svg;
    target.call(state.zoomBehavior.transform, t);
  }

  var READABLE_SCALE = 0.6; // below this a card's title is smaller than about 9 px
  var PHONE_WIDTH = 720; // the site's phone layout starts below this width

  /**
   * Show every drawn card, no bigger than life size; if that makes cards unreadable, start at the top.
   * opts.readable on a phone-wide canvas fits the width only, from the top: a phone is tall and
   * narrow, the levels further down are a pan away, and fitting the height would shrink the cards.
   */
  function fit(opts) {
    opts = opts || {};
    var list = visibleTreeNodes();
    if (!list.length) return;
    var b = boundsOf(list);
    var size = viewportSize();
    var phone = size.w < PHONE_WIDTH;
    var pad = phone ? 12 : 32;
    var kw = (size.w - pad * 2) / (b.x1 - b.x0);
    var kh = (size.h - pad * 2) / (b.y1 - b.y0);
    var byWidth = Boolean(opts.readable && phone);
    var k = Math.min(1, kw, byWidth ? Infinity : kh);
    var extent = state.scaleExtent;
    if (opts.readable && k < READABLE_SCALE) {
      // Too wide to read when fitted: life-size-ish view of the top of the tree.
      var top = list.filter(function (d) { return d.data._depth === 0; });
      var tb = boundsOf(top.length ? top : list);
      var kk = Math.max(0.8, Math.min(1, (size.w - pad * 2) / (tb.x1 - tb.x0)));
      applyTransform(kk, (tb.x0 + tb.x1) / 2, tb.y0, opts.animate, true);
      return;
    }
    k = Math.max(extent[0], k);
    if (byWidth) applyTransform(k, (b.x0 + b.x1) / 2, b.y0, opts.animate, true);
    else applyTransform(k, (b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2, opts.animate, false);
  }

  function centerOn(node, animate) {
    var d = visibleTreeNodes().filter(function (x) { return x.data === node; })[0];
    if (!d) return;
    var k = Math.max(state.lastTransform.k || 1, 0.85);
    applyTransform(Math.min(k, 1.5), d.x, d.y + d.height / 2, animate, false);
  }

  function resize() {
    var rect = app.getBoundingClientRect();
    if (!rect.width || !rect.height || !state.svg) return;
    state.svgWidth = rect.width;
    state.svgHeight = rect.height;
    state.svg.attr("width", rect.width).attr("height", rect.height);
  }

  // ----------------------------------------------------------------- actions

  function redraw() {
    chart.render();
  }

  function clearHighlight() {
    realNodes.forEach(function (n) {
      n._highlighted = false;
      n._upToTheRootHighlighted = false;
      n._found = null;
    });
    root.querySelectorAll("#orgchart-outline .is-highlighted").forEach(function (el) {
      el.classList.remove("is-highlighted");
    });
  }

  function find(ref) {
    if (ref && typeof ref === "object") return ref;
    return bySlug.get(String(ref)) || byId.get(String(ref)) || null;
  }

  /**
   * Open the path to a role, mark it and its chain of command, and bring it to the middle;
   * opts.person (an index into its people) puts that person first on its card, marked.
   */
  function reveal(ref, opts) {
    opts = opts || {};
    var node = find(ref);
    if (!node) return false;
    clearHighlight();
    if (opts.person != null && node.people && node.people[opts.person]) node._found = opts.person;
    node._expanded = true;
    node._highlighted = true;
    node._upToTheRootHighlighted = true;
    ancestors(node).forEach(function (a) {
      a._expanded = true;
      a._upToTheRootHighlighted = true;
    });
    if (opts.draw !== false) redraw();
    centerOn(node, opts.animate !== false);
    var item = root.querySelector('#orgchart-outline li[data-slug="' + cssEscape(node.slug) + '"]');
    if (item) {
      item.classList.add("is-highlighted");
      if (listView) item.scrollIntoView({ block: "center" });
    }
    return true;
  }

  function cssEscape(value) {
    return window.CSS && CSS.escape ? CSS.escape(value) : String(value).replace(/["\\]/g, "\\$&");
  }

  function expandAll() {
    realNodes.forEach(function (n) { n._expanded = true; });
    redraw();
    fit({ animate: true });
  }

  // d3-org-chart's _expanded flag means "this node is shown": a node's reports are open
  // when one of them is flagged. Roots hang off the virtual root and are always shown.
  function collapseAll() {
    realNodes.forEach(function (n) { n._expanded = n._depth === 0; });
    redraw();
    fit({ animate: true, readable: true });
  }

  function setExpanded(ref, open) {
    var node = find(ref);
    if (!node || !node._kids.length) return false;
    node._expanded = true;
    ancestors(node).forEach(function (a) { a._expanded = true; });
    if (open) {
      node._kids.forEach(function (k) { k._expanded = true; });
    } else {
      (function close(n) { n._kids.forEach(function (k) { k._expanded = false; close(k); }); })(node);
    }
    redraw();
    return true;
  }

  // -------------------------------------------------------------------- UI

  var listView = false;
  var toolbar = document.getElementById("orgchart-toolbar");
  var listToggle = document.getElementById("orgchart-list-toggle");

  // The server's outline has no markers for drafts, over-staffing or dotted lines: add them
  // the first time the list is shown, so both views say the same.
  var outlineMarked = false;
  function markOutline() {
    if (outlineMarked) return;
    outlineMarked = true;
    root.querySelectorAll("#orgchart-outline li[data-slug]").forEach(function (li) {
      var n = bySlug.get(li.dataset.slug);
      var meta = li.querySelector(":scope > .meta");
      if (!n || !meta) return;
      [[n.mark, "oc-badge oc-badge-" + n.mark, n.mark && labels.marks[n.mark] + (n.changed.length ? ": " + changedText(n) : "")],
       [n.draft, "oc-badge oc-badge-draft", labels.draft],
       [n.overstaffed, "oc-badge oc-badge-over", labels.overstaffed],
       [n._dotted.length, "oc-badge oc-badge-dotted", labels.dottedLine + ": " + n._dotted.join(" / ")]].forEach(function (b) {
        if (!b[0]) return;
        var badge = document.createElement("span");
        badge.className = b[1];
        badge.textContent = b[2];
        meta.after(badge);
      });
    });
  }

  function setListView(on) {
    listView = Boolean(on);
    if (listView) markOutline();
    root.classList.toggle("is-list", listView);
    if (listToggle) listToggle.setAttribute("aria-pressed", String(listView));
    if (toolbar) {
      toolbar.querySelectorAll("button[data-action]").forEach(function (button) {
        if (button !== listToggle) button.disabled = listView; // they act on the drawing only
      });
    }
    if (!listView) resize();
  }

  var actions = {
    "expand-all": expandAll,
    "collapse-all": collapseAll,
    fit: function () { fit({ animate: true }); },
    "zoom-in": function () { chart.zoomIn(); },
    "zoom-out": function () { chart.zoomOut(); },
    "list-view": function () { setListView(!listView); },
  };
  if (toolbar) {
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-action]");
      if (button && actions[button.dataset.action]) actions[button.dataset.action]();
    });
  }

  // Enter on a card's link follows the link, and Enter or Space on its names button opens the list
  // of people; the library would otherwise toggle the node too.
  app.addEventListener("keydown", function (event) {
    if (event.target.closest && event.target.closest("a.oc-card, button.oc-people")) event.stopPropagation();
  }, true);

  // ------------------------------------------------------------------ touch

  // A tap on a card opens or closes its reports, as the button under it does; a press held
  // still for LONG_PRESS_MS opens its job description. A mouse click, and Enter on a focused
  // card (a click of pointer type "mouse" or ""), keep following the card's link.
  var LONG_PRESS_MS = 500;
  var PRESS_SLOP = 10; // how far (px) a finger may wander and still be pressing
  var press = null;
  var fingers = new Set();
  var lastPointerType = "";
  var longPressedAt = -Infinity;

  function cardAt(target) {
    return target && target.closest ? target.closest("a.oc-card") : null;
  }

  function cancelPress() {
    if (!press) return;
    clearTimeout(press.timer);
    press.card.classList.remove("is-pressed");
    press = null;
  }

  function longPressed() {
    var href = press.card.getAttribute("href");
    cancelPress();
    longPressedAt = Date.now();
    window.location.assign(href);
  }

  app.addEventListener("pointerdown", function (event) {
    lastPointerType = event.pointerType;
    if (event.pointerType !== "touch") return;
    fingers.add(event.pointerId);
    cancelPress();
    var card = cardAt(event.target);
    if (!card || fingers.size > 1) return; // a second finger: a pinch, not a press
    card.classList.add("is-pressed");
    press = { id: event.pointerId, x: event.clientX, y: event.clientY, card: card, timer: setTimeout(longPressed, LONG_PRESS_MS) };
  }, true);
  app.addEventListener("pointermove", function (event) {
    if (press && event.pointerId === press.id &&
        Math.hypot(event.clientX - press.x, event.clientY - press.y) > PRESS_SLOP) cancelPress();
  }, true);
  ["pointerup", "pointercancel"].forEach(function (type) {
    app.addEventListener(type, function (event) {
      fingers.delete(event.pointerId);
      if (press && event.pointerId === press.id) cancelPress();
    }, true);
  });

  app.addEventListener("click", function (event) {
    var card = cardAt(event.target);
    if (!card) return;
    if (Date.now() - longPressedAt < 1000) { event.preventDefault(); return; } // the press already went
    var type = typeof event.pointerType === "string" ? event.pointerType : lastPointerType;
    if (type !== "touch") return;
    var g = card.closest("g.node");
    var d = g && d3.select(g).datum();
    if (!d || !d.data._kids || !d.data._kids.length) return; // no reports to open: the link it is
    event.preventDefault();
    chart.onButtonClick(event, d); // as the button under the card: the library's own toggle
  }, true);

  // A long press on a link would open the browser's link menu; here it opens the job description.
  app.addEventListener("contextmenu", function (event) {
    if (lastPointerType === "touch" && cardAt(event.target)) event.preventDefault();
  });

  // ------------------------------------------------------------------ search

  var input = document.getElementById("orgchart-search");
  var panel = document.getElementById("orgchart-search-panel");
  var statusEl = document.getElementById("orgchart-search-status");
  var list = document.getElementById("orgchart-search-results");
  var MAX_RESULTS = 20;
  var results = [];
  var active = -1;

  /**
   * Roles matching the query in their title, department, grade or address, and (for readers who
   * may see names) people matching it in their name or employee number, best first: { node,
   * person } each, person being the index of the person in node.people, or null for the role.
   */
  function search(query) {
    var q = String(query || "").trim().toLocaleLowerCase();
    if (!q) return [];
    var scored = [];
    shownNodes.forEach(function (n) {
      var at = n._search.indexOf(q);
      if (at < 0) return;
      var title = n.title.toLocaleLowerCase();
      var rank = title === q ? 0 : title.indexOf(q) === 0 ? 1 : at < title.length ? 2 : 3;
      scored.push({ node: n, person: null, rank: rank });
    });
    people.forEach(function (p) {
      var at = p.key.indexOf(q);
      if (at < 0) return;
      var name = p.name.toLocaleLowerCase();
      var rank = name === q || p.number.toLocaleLowerCase() === q ? 0 : at === 0 ? 1 : 2;
      scored.push({ node: p.node, person: p.index, rank: rank });
    });
    // Roles before people of the same rank; Array.prototype.sort keeps the order of equals.
    scored.sort(function (a, b) { return a.rank - b.rank || a.node._depth - b.node._depth; });
    return scored;
  }

  function closeResults() {
    if (!panel) return;
    panel.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function setActive(i) {
    var items = list.querySelectorAll("li");
    if (!items.length) return;
    active = (i + items.length) % items.length;
    items.forEach(function (li, j) { li.setAttribute("aria-selected", String(j === active)); });
    input.setAttribute("aria-activedescendant", items[active].id);
    items[active].scrollIntoView({ block: "nearest" });
  }

  function showResults() {
    results = search(input.value);
    list.textContent = "";
    list.dataset.query = input.value;
    active = -1;
    input.removeAttribute("aria-activedescendant");
    if (!input.value.trim()) {
      closeResults();
      statusEl.textContent = "";
      return;
    }
    var shown = results.slice(0, MAX_RESULTS);
    statusEl.textContent = statusText(results, shown);
    shown.forEach(function (result, i) {
      var n = result.node;
      var person = result.person == null ? null : n.people[result.person];
      var li = document.createElement("li");
      li.id = "orgchart-result-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.dataset.slug = n.slug;
      if (person) {
        li.dataset.person = String(result.person);
        li.className = "is-person";
      }
      var swatch = document.createElement("span");
      swatch.className = "result-swatch";
      swatch.style.setProperty("background", safeColor(n.color));
      var title = document.createElement("span");
      title.className = "result-title";
      title.textContent = person ? person[0] : n.title;
      var meta = document.createElement("span");
      meta.className = "result-meta";
      meta.textContent = person ? person[1] : [n.department, n.grade].filter(Boolean).join(" · ");
      // A role: the roles above it; a person: their role and the roles above it.
      var path = document.createElement("span");
      path.className = "result-path";
      path.textContent = (person ? [n].concat(ancestors(n)) : ancestors(n)).reverse()
        .map(function (a) { return a.title; }).join(" › ");
      li.append(swatch, title, meta, path);
      list.appendChild(li);
    });
    panel.hidden = false;
    input.setAttribute("aria-expanded", String(shown.length > 0));
    placePanel();
  }

  // With the on-screen keyboard up, the visible part of a phone's page can be 300 px tall: bring
  // the search box up near its top when the results would get too little room below it, and let
  // the panel end where the visible part does (scrolling inside).
  var MIN_PANEL_ROOM = 160;
  function placePanel() {
    if (!panel || panel.hidden) return;
    var vv = window.visualViewport;
    var visibleTop = vv ? vv.offsetTop : 0;
    var visibleBottom = vv ? vv.offsetTop + vv.height : window.innerHeight;
    var box = input.getBoundingClientRect();
    if (visibleBottom - box.bottom < MIN_PANEL_ROOM && box.top > visibleTop + 8) {
      window.scrollBy(0, box.top - visibleTop - 8);
      box = input.getBoundingClientRect();
    }
    panel.style.setProperty("--oc-panel-room", Math.max(120, Math.floor(visibleBottom - box.bottom - 12)) + "px");
  }

  function statusText(results, shown) {
    if (!PEOPLE) {
      return !results.length ? labels.noMatch
        : results.length > shown.length ? format(labels.foundFirst, { count: results.length, shown: shown.length })
        : format(labels.found, { count: results.length });
    }
    if (!results.length) return labels.noMatchPeople;
    var found = results.filter(function (r) { return r.person != null; }).length;
    var text = format(labels.foundPeople, { roles: results.length - found, people: found });
    return results.length > shown.length ? text + format(labels.showingFirst, { shown: shown.length }) : text;
  }

  function choose(li) {
    closeResults();
    reveal(li.dataset.slug, { person: li.dataset.person == null ? null : Number(li.dataset.person) });
  }

  if (input && list && panel && statusEl) {
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(showResults, 80);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (panel.hidden) showResults();
        setActive(active + (event.key === "ArrowDown" ? 1 : -1));
        event.preventDefault();
      } else if (event.key === "Enter") {
        clearTimeout(timer);
        if (panel.hidden || list.dataset.query !== input.value) showResults();
        var items = list.querySelectorAll("li");
        var pick = items[active >= 0 ? active : 0];
        if (pick) choose(pick);
        event.preventDefault();
      } else if (event.key === "Escape") {
        if (!panel.hidden) { closeResults(); event.preventDefault(); }
        else if (input.value) { input.value = ""; clearHighlight(); redraw(); }
      }
    });
    input.addEventListener("search", function () {
      if (!input.value) { closeResults(); statusEl.textContent = ""; }
    });
    list.addEventListener("mousedown", function (event) { event.preventDefault(); }); // keep focus in the box
    list.addEventListener("click", function (event) {
      var li = event.target.closest("li[data-slug]");
      if (!li) return;
      if (event.pointerType === "touch") input.blur(); // the keyboard goes down: the chart shows
      choose(li);
    });
    if (window.visualViewport) window.visualViewport.addEventListener("resize", placePanel);
    window.addEventListener("resize", placePanel);
    input.addEventListener("blur", function () { setTimeout(closeResults, 150); });
    input.addEventListener("focus", function () { if (input.value.trim()) showResults(); });
  }

  // ------------------------------------------------------------------ people

  // The list of a role's people with their start dates (readers who may see names): opened by the
  // names button on its card, closed by its close button or Escape, focus going back to that button.
  var peoplePanel = document.getElementById("orgchart-people");
  var listedRole = null; // the id of the role whose people are listed

  function openPeople(node) {
    if (!peoplePanel || !node || !node.people) return false;
    peoplePanel.querySelector(".people-role").textContent = node.title;
    peoplePanel.querySelector(".people-summary").textContent =
      format(labels.peopleSummary, { filled: node.filled, headcount: node.headcount });
    var listEl = peoplePanel.querySelector(".people-list");
    listEl.textContent = "";
    node.people.forEach(function (person, i) {
      var li = document.createElement("li");
      if (i === node._found) li.className = "is-found";
      var name = document.createElement("span");
      name.className = "person-name";
      name.textContent = person[0];
      var number = document.createElement("span");
      number.className = "person-number";
      number.textContent = format(labels.employeeNumber, { number: person[1] });
      var start = document.createElement("span");
      start.className = "person-start";
      start.textContent = person[2] ? format(labels.startedOn, { day: person[2] }) : labels.startUnknown;
      li.append(name, number, start);
      listEl.appendChild(li);
    });
    var link = peoplePanel.querySelector(".people-open");
    link.href = safeUrl(node.url);
    link.textContent = format(labels.openJobDescription, { title: node.title });
    listedRole = node.id;
    peoplePanel.hidden = false;
    peoplePanel.focus({ preventScroll: true });
    return true;
  }

  function closePeople() {
    if (!peoplePanel || peoplePanel.hidden) return;
    peoplePanel.hidden = true;
    var button = app.querySelector('button.oc-people[data-id="' + cssEscape(listedRole) + '"]');
    listedRole = null;
    if (button) button.focus({ preventScroll: true });
  }

  if (peoplePanel) {
    app.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest("button.oc-people");
      if (button) openPeople(byId.get(button.dataset.id));
    });
    peoplePanel.querySelector(".people-close").addEventListener("click", closePeople);
    peoplePanel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        closePeople();
        event.preventDefault();
      }
    });
  }

  // ------------------------------------------------------------------ legend

  function drawLegend() {
    var box = document.getElementById("orgchart-departments");
    var legend = document.getElementById("orgchart-legend");
    if (!box || !legend) return;
    var seen = new Map();
    realNodes.forEach(function (n) { if (n.department && !seen.has(n.department)) seen.set(n.department, n.color); });
    seen.forEach(function (color, name) {
      var item = document.createElement("span");
      item.className = "legend-item legend-dept";
      var chip = document.createElement("span");
      chip.className = "legend-chip";
      chip.style.setProperty("background", safeColor(color));
      item.append(chip, document.createTextNode(name));
      box.appendChild(item);
    });
    legend.hidden = false;
  }

  function drawSummary() {
    var el = document.getElementById("orgchart-summary");
    if (!el) return;
    var sum = { roles: shownNodes.length, headcount: 0, filled: 0, vacant: 0 };
    shownNodes.forEach(function (n) { sum.headcount += n.headcount; sum.filled += n.filled; sum.vacant += n.vacant; });
    el.textContent = format(labels.summary, sum);
    el.hidden = false;
  }

  // -------------------------------------------------------------- first draw

  function firstDraw() {
    var focus = find(app.dataset.focus || "");
    var depth = DEFAULT_DEPTH;
    while (depth > 0 && openToDepth(depth) > MAX_FIRST_NODES) depth--;
    if (!realNodes.length) return false;
    if (focus) reveal(focus, { draw: false });
    // Draw into the canvas while it is still hidden (sized for now as the outline, whose box the
    // page has already laid out), then swap the outline for it in this same task and take the
    // canvas's own size: the page is laid out once, with the drawing in it, rather than once for
    // the swap and again for the drawing. Nothing is painted in between.
    var outline = document.getElementById("orgchart-outline");
    var rect = outline ? outline.getBoundingClientRect() : { width: 0, height: 0 };
    chart.svgWidth(rect.width).svgHeight(rect.height);
    chart.render();
    root.classList.add("is-chart");
    app.hidden = false;
    resize();
    state.centerG.attr("transform", null); // our transforms are in chart coordinates
    if (focus) centerOn(focus, false);
    else fit({ readable: true });
    drawn = true;
    return true;
  }

  try {
    if (!firstDraw()) { app.hidden = true; return; }
  } catch (error) {
    app.hidden = true; // the outline again
    app.dataset.state = "failed";
    root.classList.remove("is-chart");
    throw error;
  }
  if (toolbar) toolbar.hidden = false;
  drawLegend();
  drawSummary();
  app.dataset.state = "ready";
  // The library's transitions (instant on first draw) apply on the next frame: mark after it.
  requestAnimationFrame(function () {
    performance.mark("orgchart-drawn");
    performance.measure("orgchart-first-draw", "orgchart-data", "orgchart-drawn");
  });

  if (window.ResizeObserver) new ResizeObserver(resize).observe(app);

  window.roleChart = {
    chart: chart,
    labels: labels,
    reveal: reveal,
    // The addresses of the roles found (a person found gives their role's).
    search: function (query) { return search(query).map(function (r) { return r.node.slug; }); },
    expandAll: expandAll,
    collapseAll: collapseAll,
    expand: function (ref) { return setExpanded(ref, true); },
    collapse: function (ref) { return setExpanded(ref, false); },
    fit: function () { fit({ animate: false }); },
    zoomIn: function () { chart.zoomIn(); },
    zoomOut: function () { chart.zoomOut(); },
    scale: function () { return state.lastTransform.k; },
    setListView: setListView,
    openPeople: function (ref) { return openPeople(find(ref)); },
    visibleSlugs: function () { return visibleTreeNodes().map(function (d) { return d.data.slug; }); },
    isExpanded: function (ref) {
      var node = find(ref);
      var d = node && visibleTreeNodes().filter(function (x) { return x.data === node; })[0];
      return Boolean(d && d.children);
    },
  };
})();

// The behaviour of a picture drawn by sse_graph/draw.py (static code, never built from data).
// The data arrive as JSON text in <script type="application/json" id="sse-data"> and reach the
// page only as text: vis-network labels and tooltips, and textContent in the card panel.
//
// - Labels are drawn at PX pixels on screen whatever the zoom: after each fit, zoom or resize,
//   labels are placed greedily (most important nodes first) and a label that would overlap a
//   label already placed, another node or the edge of the frame is hidden (its name stays on
//   hover, and shows when zooming in).
// - The whole network is stretched to the frame's proportions, so that it fills the frame.
// - A focus picture ("rows": world at the top, local at the bottom) is laid out in the frame at
//   scale 1: each row is wrapped to the frame's width at the largest name size (16 px down to PX)
//   that lets every line fit the frame's height, its nodes spread over the width, and the lines
//   spread over the height (more room between two levels than between two lines of one level).
// - Clicking a node shows its card (name, kind, level, sources) in a side panel, and, when the
//   picture is embedded, tells the embedding page which node (an integer) was clicked.
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("sse-data").textContent);
  var PX = D.px;
  var nodes = network.body.data.nodes;
  var container = document.getElementById("mynetwork");
  var ids = nodes.getIds();
  var base = {}, label = {}, font = {};
  nodes.forEach(function (n) {
    base[n.id] = { x: n.x, y: n.y };
    label[n.id] = n.label || "";
    font[n.id] = D.mode === "fit" ? 0 : (n.font && n.font.size) || PX;  // the whole network: PX on screen
  });
  var order = D.order.filter(function (id) { return id in base; });

  function bbox(pos) {
    var b = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
    ids.forEach(function (id) {
      var p = pos[id];
      b.x0 = Math.min(b.x0, p.x); b.x1 = Math.max(b.x1, p.x);
      b.y0 = Math.min(b.y0, p.y); b.y1 = Math.max(b.y1, p.y);
    });
    return b;
  }

  // the whole network takes the proportions of the frame (the layered view keeps its rows)
  function stretch() {
    if (D.mode !== "fit") return;
    var b = bbox(base), w = b.x1 - b.x0, h = b.y1 - b.y0;
    var cw = container.clientWidth - 2 * D.margin_x, ch = container.clientHeight - 2 * D.margin_y;
    if (!(w > 0 && h > 0 && cw > 0 && ch > 0)) return;
    var k = (cw / ch) / (w / h), cx = (b.x0 + b.x1) / 2;
    // one update for all (network.moveNode redraws at each call: seconds for 250 nodes, measured)
    nodes.update(ids.map(function (id) { return { id: id, x: cx + (base[id].x - cx) * k, y: base[id].y }; }));
  }

  // the view: every node in the frame, with room for the labels at the sides
  function fit() {
    var pos = network.getPositions(), b = bbox(pos);
    var cw = container.clientWidth - 2 * D.margin_x, ch = container.clientHeight - 2 * D.margin_y;
    var w = Math.max(b.x1 - b.x0, 1), h = Math.max(b.y1 - b.y0, 1);
    var s = Math.min(cw / w, ch / h);
    if (!(s > 0) || !isFinite(s)) s = 1;
    s = Math.min(s, 1);  // a small picture is not blown up (as vis-network's own fit)
    network.moveTo({ position: { x: (b.x0 + b.x1) / 2, y: (b.y0 + b.y1) / 2 }, scale: s, animation: false });
  }

  // a focus picture: its rows wrapped to the frame (see the top), at scale 1 (canvas units = CSS px)
  var MX = 8, MY = 8, GAP_X = 18, GAP_Y = 6, measure = document.createElement("canvas").getContext("2d");
  function radius(id) { return network.body.nodes[id].options.size || 10; }
  function labelHeight(P) { return Math.ceil(P * 1.75) + 2; }  // vis draws a name 0.75 of its size below its node
  // a row's nodes (widths ws) cut into lines no wider than limit: the number of lines each starts
  function cut(ws, limit) {
    var out = [], width = 0;
    ws.forEach(function (w, i) {
      if (!out.length || (width + w > limit && width > 0)) { out.push(i); width = 0; }
      width += w;
    });
    return out;
  }
  // the lines of the picture at name size P in a frame W wide; a row that wraps is cut into
  // lines of even widths (not a full line and a short one)
  function lines(P, W) {
    var out = [], A = W - 2 * MX;
    D.rows.forEach(function (row) {
      var ids = row[1].filter(function (id) { return id in base; });
      var ws = ids.map(function (id) {
        measure.font = (id === D.focus ? P + 2 : P) + "px arial";
        return Math.max(label[id] ? measure.measureText(label[id]).width : 0, 2 * radius(id)) + GAP_X;
      });
      if (!ids.length) return;
      var starts = cut(ws, A), k = starts.length, total = ws.reduce(function (t, w) { return t + w; }, 0);
      for (var limit = Math.max(total / k, Math.max.apply(null, ws)); k > 1 && limit < A; limit *= 1.03) {
        var even = cut(ws, limit);
        if (even.length <= k) { starts = even; break; }
      }
      starts.forEach(function (from, j) {
        var to = j + 1 < starts.length ? starts[j + 1] : ids.length, prev = out[out.length - 1];
        var line = { ids: ids.slice(from, to), ws: ws.slice(from, to), level: row[0], newLevel: !prev || prev.level !== row[0] };
        line.width = line.ws.reduce(function (t, w) { return t + w; }, 0);
        line.r = Math.max.apply(null, line.ids.map(radius));
        line.need = 2 * line.r + labelHeight(P) + GAP_Y;
        out.push(line);
      });
    });
    return out;
  }
  function layRows() {
    var W = container.clientWidth, H = container.clientHeight, P = 16, ls, need;
    if (!(W > 0 && H > 0)) return;  // not shown yet (a hidden frame): laid out at the first resize
    for (; ; P--) {
      ls = lines(P, W);
      need = ls.reduce(function (t, l) { return t + l.need; }, 0);
      if (need <= H - 2 * MY || P <= PX) break;
    }
    // the room left goes between the lines (twice as much between two levels), a little above and below
    var spare = Math.max(0, H - 2 * MY - need), weight = 0.2;
    ls.forEach(function (l, i) { l.w = i ? (l.newLevel ? 2 : 1) : 0; weight += l.w; });
    var y = MY + spare * 0.1 / weight, update = [];
    ls.forEach(function (l) {
      y += spare * l.w / weight;
      var cy = y + l.r;
      var room = Math.max(0, (W - 2 * MX - l.width) / l.ids.length), x = MX;  // the line's room, shared by its nodes
      l.ids.forEach(function (id, k) {
        var slot = l.ws[k] + room;
        update.push({ id: id, x: x + slot / 2, y: cy });
        font[id] = id === D.focus ? P + 2 : P;
        x += slot;
      });
      y += l.need;
    });
    if (need > H - 2 * MY) {  // too many lines even at PX: closer lines (a name that collides moves above its node or hides)
      var k = (H - 2 * MY - ls[0].r - ls[ls.length - 1].need + ls[ls.length - 1].r) / Math.max(1, y - MY - ls[0].r - ls[ls.length - 1].need + ls[ls.length - 1].r);
      var top = MY + ls[0].r;
      update.forEach(function (u) { u.y = top + (u.y - top) * k; });
    }
    nodes.update(update);
    network.moveTo({ position: { x: W / 2, y: H / 2 }, scale: 1, animation: false });
  }

  function overlap(a, b) { return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]; }

  function domBox(x0, y0, x1, y1, pad) {
    var a = network.canvasToDOM({ x: x0, y: y0 }), b = network.canvasToDOM({ x: x1, y: y1 });
    pad = pad || 0;
    return [a.x - pad, a.y - pad, b.x + pad, b.y + pad];
  }

  // every label at PX on screen (at least its own size), then keep those that fit, by priority:
  // below its node, else above it, else a line further; the first few (the focus, the biggest) may cover other nodes
  var placedScale = null;
  function place() {
    var s = network.getScale();
    placedScale = s;
    nodes.update(ids.map(function (id) {
      var f = { size: Math.max(font[id], PX / s), vadjust: 0 };
      f.background = D.mode === "rows" ? "rgba(255,255,255,0.92)" : "rgba(255,255,255,0.8)";  // legible over the edges
      return { id: id, label: label[id], font: f };
    }));
    network.redraw();
    var W = container.clientWidth, H = container.clientHeight;
    var discs = {};
    ids.forEach(function (id) {
      var n = network.body.nodes[id], r = (n.options.size || 10) * 0.9;
      discs[id] = domBox(n.x - r, n.y - r, n.x + r, n.y + r);
    });
    var placed = [], hide = [], above = [], free = function (box, id, rank) {
      if (!(box[0] >= -2 && box[1] >= -2 && box[2] <= W + 2 && box[3] <= H + 2)) return false;
      for (var i = 0; i < placed.length; i++) if (overlap(box, placed[i])) return false;
      if (rank < D.top) return true;
      for (var other in discs) if (+other !== id && overlap(box, discs[other])) return false;
      return true;
    };
    order.forEach(function (id, rank) {
      var n = network.body.nodes[id], l = n.labelModule.size;
      if (!label[id] || !l || !l.width) return;
      // below the node, above it, then one line further down or up (canvas units)
      var up = -(2 * (n.options.size || 10) + 8 + l.height), line = l.height + 4 / s;
      var tries = [0, up, line, up - line];
      for (var k = 0; k < tries.length; k++) {
        var dy = tries[k], box = domBox(l.left, l.top + dy, l.left + l.width, l.top + l.height + dy, 2);  // 2 px apart
        if (free(box, id, rank)) {
          placed.push(box);
          if (dy) above.push([id, dy]);
          return;
        }
      }
      hide.push(id);
    });
    if (hide.length || above.length) {  // (vis would draw an above label's background below its node)
      nodes.update(hide.map(function (id) { return { id: id, label: null }; })
        .concat(above.map(function (a) { return { id: a[0], font: { vadjust: a[1], background: "none" } }; })));
      network.redraw();
    }
    document.body.setAttribute("data-labels-shown", String(placed.length));
  }

  function refresh() {
    network.redraw();
    if (D.mode === "rows") layRows(); else { stretch(); fit(); }
    place();
  }

  var timer = null;
  function later(fn) { clearTimeout(timer); timer = setTimeout(fn, 120); }
  // a zoom (wheel, buttons, a fit by vis itself) changes the scale: the labels follow
  network.on("afterDrawing", function () { if (placedScale !== null && network.getScale() !== placedScale) later(place); });
  network.on("dragEnd", function (p) { if (!p.nodes.length) later(place); });
  var size = [container.clientWidth, container.clientHeight];
  network.on("resize", function () {
    var now = [container.clientWidth, container.clientHeight];
    if (now[0] !== size[0] || now[1] !== size[1]) { size = now; later(refresh); }
  });

  // the card of a clicked node, as text
  var panel = document.getElementById("sse-card");
  function row(term, value) {
    if (!value) return;
    var dt = document.createElement("dt"), dd = document.createElement("dd");
    dt.textContent = term; dd.textContent = value;
    panel.querySelector("dl").appendChild(dt); panel.querySelector("dl").appendChild(dd);
  }
  function showCard(id) {
    var c = D.cards[id];
    if (!c) return;
    panel.querySelector("h2").textContent = c.name;
    panel.querySelector("dl").textContent = "";
    row(D.words.kind, c.kinds.join(", "));
    row(D.words.level, c.level);
    row(D.words.sources, c.sources.join(", "));
    panel.hidden = false;
    panel.setAttribute("data-node", String(id));
  }
  document.getElementById("sse-card-close").addEventListener("click", function () { panel.hidden = true; });
  network.on("click", function (p) {
    if (p.nodes.length !== 1) return;
    var id = p.nodes[0];
    showCard(id);
    if (window.parent !== window) window.parent.postMessage({ open: id }, "*");
  });

  setTimeout(refresh, 0);  // once the page is parsed
})();

// The sales chart: daily revenue, unusual days marked, the forecast and its band after it.
// Plain SVG drawn here; no library.

const SVG_NS = "http://www.w3.org/2000/svg";
const DAY_MS = 86_400_000;

export function dayNumber(iso) {
  const [y, m, d] = String(iso).split("-").map(Number);
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

function isoOf(day) {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function finite(value) {
  return typeof value === "number" && Number.isFinite(value);
}

/** A forecast point's central value, whatever the API version calls it. */
export function forecastValue(point) {
  for (const key of ["amount", "point", "value", "mean"]) {
    if (finite(point?.[key])) {
      return point[key];
    }
  }
  return null;
}

/** True when every point carries the interval ``lo``..``hi`` (feature detection). */
export function hasBand(points, lo, hi) {
  return points.length > 0 && points.every((p) => finite(p[lo]) && finite(p[hi]));
}

/** The value the anomaly method expected for that day, when the API says. */
export function expectedOf(anomaly) {
  const value = anomaly?.expected ?? anomaly?.expected_value;
  return finite(value) ? value : null;
}

function node(name, attributes = {}, parent = null) {
  const element = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) {
    element.setAttribute(key, String(value));
  }
  if (parent) {
    parent.appendChild(element);
  }
  return element;
}

function niceStep(max, count) {
  // Whole currency units at least: finer steps would print "$0, $0, $0, $1" on a near-empty chart.
  const raw = Math.max(max / count, 1);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const n = raw / magnitude;
  // 2.5 only where it stays a whole figure (25, 250, 2.5K): never $2.50 steps shown as "$3".
  const nice = n <= 1 ? 1 : n <= 2 ? 2 : n <= 2.5 && magnitude > 1 ? 2.5 : n <= 5 ? 5 : 10;
  return nice * magnitude;
}

/** The y-axis labels, with as few decimals as keep them all distinct ("$1.2K", "$1.25K"). */
function tickLabels(values, fmt) {
  let labels = [];
  for (let digits = 1; digits <= 3; digits += 1) {
    labels = values.map((v) => fmt.moneyShort(v, digits));
    if (new Set(labels).size === labels.length) break;
  }
  return labels;
}

function pathOf(points) {
  return points.map(([x, y], i) => `${i ? "L" : "M"}${x.toFixed(1)},${y.toFixed(1)}`).join("");
}

/**
 * Draw the chart into ``container`` (emptied first); ``tip`` is the tooltip element.
 * data: {sales: [{date, revenue}], forecast: {points} | null, anomalies: [...] | null}
 * fmt: {money, moneyShort, date, monthLabel, anomalyLabel, anomalyWhy}
 */
export function renderChart(container, tip, data, fmt) {
  container.replaceChildren();
  tip.hidden = true;
  const history = (data.sales || [])
    .filter((d) => finite(d.revenue))
    .map((d) => ({ t: dayNumber(d.date), v: d.revenue, date: d.date, kind: "history" }));
  const points = data.forecast?.points || [];
  const band80 = hasBand(points, "lo80", "hi80");
  const band95 = hasBand(points, "lo95", "hi95");
  const future = points
    .filter((p) => forecastValue(p) !== null)
    .map((p) => ({ ...p, t: dayNumber(p.date), v: forecastValue(p), kind: "forecast" }));
  const anomalies = data.anomalies || [];
  const byDate = new Map(anomalies.map((a) => [a.date, a]));
  const all = [...history, ...future];
  if (!history.length) {
    // Said also above a forecast: a flat forecast alone would read as days of no sales.
    const empty = document.createElement("p");
    empty.className = "chart-empty";
    empty.textContent = "No sales recorded yet.";
    container.appendChild(empty);
  }
  if (!all.length) return;

  const width = Math.max(280, Math.floor(container.clientWidth || 640));
  const narrow = width < 560;
  const height = narrow ? 240 : 300;
  const m = { top: 16, right: 12, bottom: 30, left: narrow ? 48 : 62 };
  const innerW = width - m.left - m.right;
  const innerH = height - m.top - m.bottom;

  const t0 = all[0].t;
  const t1 = Math.max(all[all.length - 1].t, t0 + 1);
  const highs = all.map((p) => p.v);
  for (const p of future) {
    if (band95) highs.push(p.hi95);
    else if (band80) highs.push(p.hi80);
  }
  for (const a of anomalies) {
    const expected = expectedOf(a);
    if (expected !== null) highs.push(expected);
    if (finite(a.value)) highs.push(a.value);
  }
  const lows = [0, ...all.map((p) => p.v)];
  for (const p of future) {
    if (band95) lows.push(p.lo95);
    else if (band80) lows.push(p.lo80);
  }
  const yMaxRaw = Math.max(...highs, 1);
  const yMinRaw = Math.min(...lows);
  const step = niceStep(yMaxRaw - Math.min(yMinRaw, 0), narrow ? 4 : 5);
  const yTop = Math.ceil(yMaxRaw / step) * step;
  const yBottom = Math.floor(Math.min(yMinRaw, 0) / step) * step;
  const x = (t) => m.left + ((t - t0) / (t1 - t0)) * innerW;
  const y = (v) => m.top + innerH - ((v - yBottom) / (yTop - yBottom)) * innerH;

  const svg = node("svg", {
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    class: "chart-svg",
    role: "group",
    "aria-labelledby": "chart-title",
    "aria-describedby": "chart-summary",
  });
  const grid = node("g", { class: "grid", "aria-hidden": "true" }, svg);
  const levels = [];
  for (let i = 0; yBottom + i * step <= yTop + step / 2; i += 1) levels.push(yBottom + i * step);
  const labels = tickLabels(levels, fmt);
  levels.forEach((v, i) => {
    node("line", { x1: m.left, x2: width - m.right, y1: y(v), y2: y(v) }, grid);
    const label = node("text", { x: m.left - 6, y: y(v), class: "axis-y" }, grid);
    label.textContent = labels[i];
  });
  // Month ticks, or weekly ones on a short range; labels never overlap.
  const span = t1 - t0;
  const ticks = [];
  if (span > 62) {
    const start = new Date(t0 * DAY_MS);
    let cursor = Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1) / DAY_MS;
    while (cursor <= t1) {
      ticks.push(cursor);
      const d = new Date(cursor * DAY_MS);
      cursor = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) / DAY_MS;
    }
  } else {
    for (let t = t0; t <= t1; t += 7) ticks.push(t);
  }
  let lastLabelX = -Infinity;
  for (const t of ticks) {
    const px = x(t);
    if (px - lastLabelX < (narrow ? 44 : 56) || px > width - m.right - 12) continue;
    lastLabelX = px;
    node("line", { x1: px, x2: px, y1: m.top + innerH, y2: m.top + innerH + 4 }, grid);
    const label = node("text", { x: px, y: height - 8, class: "axis-x" }, grid);
    label.textContent = fmt.monthLabel(isoOf(t), span > 62);
  }

  const plot = node("g", { class: "plot", "aria-hidden": "true" }, svg);
  if (future.length) {
    const splitX = history.length ? x(history[history.length - 1].t + 0.5) : m.left;
    node("line", { x1: splitX, x2: splitX, y1: m.top, y2: m.top + innerH, class: "split" }, plot);
    const label = node("text", { x: splitX + 4, y: m.top + 10, class: "split-label" }, plot);
    label.textContent = "Forecast";
    for (const [lo, hi, shown, cls] of [
      ["lo95", "hi95", band95, "band band95"],
      ["lo80", "hi80", band80, "band band80"],
    ]) {
      if (!shown) continue;
      const upper = future.map((p) => [x(p.t), y(p[hi])]);
      const lower = future.map((p) => [x(p.t), y(p[lo])]).reverse();
      const d = `${pathOf(upper)}L${pathOf(lower).slice(1)}Z`;
      node("path", { d, class: cls }, plot);
    }
  }
  if (history.length) {
    node("path", { d: pathOf(history.map((p) => [x(p.t), y(p.v)])), class: "line-history" }, plot);
  }
  if (future.length) {
    const joined = history.length ? [history[history.length - 1], ...future] : future;
    node("path", { d: pathOf(joined.map((p) => [x(p.t), y(p.v)])), class: "line-forecast" }, plot);
  }

  const cross = node("g", { class: "crosshair", "aria-hidden": "true", visibility: "hidden" }, svg);
  const crossLine = node("line", { y1: m.top, y2: m.top + innerH }, cross);
  const crossDot = node("circle", { r: 4 }, cross);
  node("rect", { x: m.left, y: m.top, width: innerW, height: innerH, class: "hover-area" }, svg);

  const markers = node("g", { class: "markers" }, svg);
  for (const a of anomalies) {
    if (!finite(a.value)) continue;
    const cx = x(dayNumber(a.date));
    const cy = y(a.value);
    const spike = a.direction !== "drop";
    const g = node(
      "g",
      {
        class: `anomaly-marker ${spike ? "spike" : "drop"}`,
        tabindex: 0,
        role: "img",
        "aria-label": fmt.anomalyLabel(a),
        "data-date": a.date,
      },
      markers,
    );
    const expected = expectedOf(a);
    if (expected !== null) {
      node("line", { x1: cx, x2: cx, y1: y(expected), y2: cy, class: "anomaly-gap" }, g);
      node("circle", { cx, cy: y(expected), r: 3.5, class: "anomaly-expected" }, g);
    }
    node("circle", { cx, cy, r: 10, class: "anomaly-ring" }, g);
    const s = 6;
    const d = spike
      ? `M${cx},${cy - s - 1}L${cx + s},${cy + s - 1}L${cx - s},${cy + s - 1}Z`
      : `M${cx},${cy + s + 1}L${cx + s},${cy - s + 1}L${cx - s},${cy - s + 1}Z`;
    node("path", { d, class: "anomaly-symbol" }, g);
    node("circle", { cx, cy, r: 12, class: "anomaly-hit" }, g);
    g.addEventListener("focus", () => show(dayNumber(a.date)));
    g.addEventListener("blur", hide);
  }
  container.appendChild(svg);

  function nearest(t) {
    let best = all[0];
    for (const p of all) {
      if (Math.abs(p.t - t) < Math.abs(best.t - t)) best = p;
    }
    return best;
  }

  function line(parent, text, cls) {
    const p = document.createElement("p");
    if (cls) p.className = cls;
    p.textContent = text;
    parent.appendChild(p);
  }

  function show(t) {
    const p = nearest(t);
    const px = x(p.t);
    const py = y(p.v);
    crossLine.setAttribute("x1", px);
    crossLine.setAttribute("x2", px);
    crossDot.setAttribute("cx", px);
    crossDot.setAttribute("cy", py);
    cross.setAttribute("visibility", "visible");
    tip.replaceChildren();
    line(tip, fmt.date(p.date, { weekday: "short", month: "short", day: "numeric", year: "numeric" }), "tip-title");
    if (p.kind === "history") {
      line(tip, `Revenue: ${fmt.money(p.v)}`);
      const a = byDate.get(p.date);
      if (a) {
        const expected = expectedOf(a);
        line(tip, a.direction === "drop" ? "Unusually low day" : "Unusually high day", "tip-flag");
        if (expected !== null) line(tip, `Expected: ${fmt.money(expected)}`);
        line(tip, fmt.anomalyWhy(a), "tip-why");
      }
    } else {
      line(tip, `Forecast: ${fmt.money(p.v)}`);
      if (band80) line(tip, `80% range: ${fmt.money(p.lo80)} – ${fmt.money(p.hi80)}`);
      if (band95) line(tip, `95% range: ${fmt.money(p.lo95)} – ${fmt.money(p.hi95)}`);
    }
    tip.hidden = false;
    const box = container.getBoundingClientRect();
    const scale = box.width / width || 1;
    const tipW = tip.offsetWidth;
    const tipH = tip.offsetHeight;
    const left = Math.min(Math.max(px * scale - tipW / 2, 4), box.width - tipW - 4);
    let top = py * scale - tipH - 14;
    if (top < 0) top = py * scale + 16;
    tip.style.left = `${left}px`;
    tip.style.top = `${top}px`;
  }

  function hide() {
    tip.hidden = true;
    cross.setAttribute("visibility", "hidden");
  }

  svg.addEventListener("pointermove", (event) => {
    const box = svg.getBoundingClientRect();
    const px = ((event.clientX - box.left) / box.width) * width;
    if (px < m.left - 8 || px > width - m.right + 8) {
      hide();
      return;
    }
    show(t0 + ((px - m.left) / innerW) * (t1 - t0));
  });
  svg.addEventListener("pointerleave", () => {
    if (!svg.contains(document.activeElement)) hide();
  });
  svg.addEventListener("keydown", (event) => {
    if (event.key === "Escape") hide();
  });
}

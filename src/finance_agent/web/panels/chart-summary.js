// The words around the chart: what the history and the scan cover, the forecast's total and
// range in plain words, and the legend of what is drawn.
import { expectedOf } from "../chart.js";
import { $, h } from "../dom.js";
import { formatDate, moneyWhole, plural } from "../format.js";
import { state } from "../state.js";
import { anomalySummary } from "./anomalies.js";

export function renderChartSummary() {
  const { sales, forecast, anomalies } = state.chartData;
  const history = [];
  if (sales.length) {
    history.push(
      `${plural(sales.length, "day")} of sales, ${formatDate(sales[0].date)} – ${formatDate(sales[sales.length - 1].date)}`,
    );
  }
  if (anomalies) history.push(anomalySummary(anomalies, state.anomalyScan || {}, sales[0]?.date));
  const lines = [h("span", { class: "summary-line", text: history.join(" · ") })];
  if (forecast) {
    const days = forecast.horizon_days ?? state.horizon;
    const line = h(
      "span",
      { class: "summary-line" },
      `Next ${days} days: `,
      h("strong", { text: moneyWhole(forecast.total) }),
      " expected",
    );
    const interval = forecast.total_interval;
    if (interval && Number.isFinite(interval.lo80) && Number.isFinite(interval.hi80)) {
      line.append(` (80% range ${moneyWhole(interval.lo80)} – ${moneyWhole(interval.hi80)})`);
    }
    if (forecast.method) line.append(` · method: ${forecast.method}`);
    lines.push(line);
    if (forecast.note) lines.push(forecastNote(forecast.note));
  }
  $("chart-summary").replaceChildren(...lines);
}

// Statistics in the API's notes ("paired t against sma, one-sided 5% critical value ...")
// are for whoever checks the method, not for reading the forecast.
const JARGON = /paired t|critical value|mean absolute error/i;

/** ``note`` without its parenthesised statistics (which may hold parentheses themselves). */
function plainNote(note) {
  let out = "";
  let depth = 0;
  let group = "";
  for (const char of note) {
    if (char === "(") depth += 1;
    if (depth === 0) out += char;
    else group += char;
    if (char === ")" && depth > 0) {
      depth -= 1;
      if (depth === 0) {
        if (!JARGON.test(group)) out += group;
        group = "";
      }
    }
  }
  return (out + group).replace(/\s+([;,.])/g, "$1").replace(/\s{2,}/g, " ").trim();
}

/** The forecast's note in plain words; the full text stays one click away. */
function forecastNote(note) {
  const plain = plainNote(note);
  const line = h("span", { class: "summary-line note" }, h("span", { class: "note-text", text: plain }));
  if (plain !== note) {
    line.title = note;
    line.append(" ", h("details", { class: "note-details" }, h("summary", { text: "How it was chosen" }), h("span", { text: note })));
  }
  return line;
}

export function renderLegend() {
  const { sales, forecast, anomalies } = state.chartData;
  const points = forecast?.points || [];
  const items = [];
  if (sales.some((d) => Number.isFinite(d.revenue))) items.push(["swatch-history", "Daily revenue"]);
  if (points.length) items.push(["swatch-forecast", "Forecast"]);
  if (points.length && points.every((p) => Number.isFinite(p.lo80) && Number.isFinite(p.hi80))) {
    items.push(["swatch-band80", "80% range"]);
  }
  if (points.length && points.every((p) => Number.isFinite(p.lo95) && Number.isFinite(p.hi95))) {
    items.push(["swatch-band95", "95% range"]);
  }
  if (anomalies?.length) {
    items.push(["swatch-spike", "Unusually high"], ["swatch-drop", "Unusually low"]);
    if (anomalies.some((a) => expectedOf(a) !== null)) items.push(["swatch-expected", "Expected"]);
  }
  $("chart-legend").replaceChildren(
    ...items.map(([cls, text]) =>
      h("li", {}, h("span", { class: `swatch ${cls}`, "aria-hidden": "true" }), text),
    ),
  );
}

export function clearChartSummary() {
  $("chart-summary").replaceChildren();
  $("chart-legend").replaceChildren();
}

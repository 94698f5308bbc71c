// Unusual days: the anomaly scan over the whole history, its words and its table under the
// chart. The chart marks the same days (panels/forecast.js draws them).
import { HISTORY_DAYS, ROUTES } from "../api.js";
import { expectedOf } from "../chart.js";
import { $, h } from "../dom.js";
import { formatDate, formatDay, money, plural } from "../format.js";
import { state } from "../state.js";

export function anomalyWhy(anomaly) {
  if (typeof anomaly.reason === "string" && anomaly.reason) return anomaly.reason;
  const score = Number(anomaly.z_score);
  const where = anomaly.direction === "drop" ? "below" : "above";
  const deviation = Math.abs(Number(anomaly.deviation));
  const parts = [];
  if (Number.isFinite(deviation)) parts.push(`${money(deviation)} ${where} the expected level`);
  if (Number.isFinite(score)) parts.push(`score ${Math.abs(score).toFixed(1)}`);
  return parts.length ? `${parts.join(", ")}.` : "Flagged by the anomaly scan.";
}

export function anomalyLabel(anomaly) {
  const kind = anomaly.direction === "drop" ? "Unusually low" : "Unusually high";
  const expected = expectedOf(anomaly);
  const parts = [`${kind} sales on ${formatDate(anomaly.date)}: ${money(anomaly.value)}`];
  if (expected !== null) parts.push(`expected ${money(expected)}`);
  parts.push(anomalyWhy(anomaly));
  return parts.join("; ");
}

/** "Low" or "High"; a day that is part of a level shift says so ("Low · shift"). */
function anomalyTag(anomaly) {
  const side = anomaly.direction === "drop" ? "Low" : "High";
  return anomaly.level_shift ? `${side} · shift` : side;
}

/**
 * What the scan found and over which days: the chat's "unusual days" looks at the last 60
 * days, the page at its whole history, so the page says its window. The API's note (too
 * few days to judge) is said instead of a count that would read as "all normal".
 */
export function anomalySummary(anomalies, scan, firstSale) {
  const how = scan.method ? ` (${scan.method} scan)` : "";
  if (scan.note && !anomalies.length) return `Unusual days: ${scan.note}${how}`;
  // The scan asks for a year; days before the first sale were not judged, so not named.
  const start = firstSale && firstSale > scan.start_date ? firstSale : scan.start_date;
  const window =
    start && scan.end_date ? ` in ${formatDate(start)} – ${formatDate(scan.end_date)}` : "";
  const note = scan.note ? `; ${scan.note}` : "";
  return `${plural(anomalies.length, "unusual day")}${window}${how}${note}`;
}

export function renderAnomalyTable() {
  const anomalies = state.chartData.anomalies || [];
  const withExpected = anomalies.some((a) => expectedOf(a) !== null);
  $("anomaly-summary").textContent = `Unusual days (${anomalies.length})`;
  $("anomaly-details").hidden = !anomalies.length;
  $("anomaly-expected-head").hidden = !withExpected;
  const rows = [...anomalies]
    .sort((a, b) => (a.date < b.date ? 1 : -1))
    .map((a) =>
      h(
        "tr",
        {},
        h("th", { scope: "row", text: formatDay(a.date) }),
        h("td", { class: "num", text: money(a.value) }),
        withExpected ? h("td", { class: "num", text: money(expectedOf(a) ?? NaN) }) : null,
        h("td", {}, h("span", { class: `tag tag-${a.direction === "drop" ? "drop" : "spike"}`, text: anomalyTag(a) }), " ", anomalyWhy(a)),
      ),
    );
  $("anomaly-table").tBodies[0].replaceChildren(...rows);
}

/** The scan over the whole history, with the robust method where the API offers it. */
export async function loadAnomalies() {
  const params = { period: `last_${HISTORY_DAYS}d` };
  if (await state.api.supportsParameter(ROUTES.anomalies, "method", "robust")) {
    params.method = "robust";
  }
  return state.api.get(ROUTES.anomalies, params);
}

export function showAnomalies(report) {
  const { anomalies: days, ...scan } = report;
  state.anomalyScan = scan;
  state.chartData.anomalies = days || [];
  state.chartFailures.delete("anomalies");
}

export function clearAnomalies() {
  $("anomaly-table").tBodies[0].replaceChildren();
  $("anomaly-details").hidden = true;
}

// The chart's days as a table: keyboard and screen-reader users read every day, not only the
// marked ones. The sales days first, then the forecast's.
import { expectedOf, forecastValue } from "../chart.js";
import { $, h } from "../dom.js";
import { formatDay, money } from "../format.js";
import { state } from "../state.js";

/** One row per day the chart shows: [date, revenue, forecast, 80% range, note]. */
function chartTableRows() {
  const { sales, forecast, anomalies } = state.chartData;
  const unusual = new Map((anomalies || []).map((a) => [a.date, a]));
  const history = sales.map((d) => {
    const a = unusual.get(d.date);
    const expected = a ? expectedOf(a) : null;
    const note = a
      ? `${a.direction === "drop" ? "Unusually low" : "Unusually high"}${expected !== null ? `, expected ${money(expected)}` : ""}`
      : "";
    return [formatDay(d.date), money(d.revenue), "", "", note];
  });
  const future = (forecast?.points || []).map((p) => {
    const range = Number.isFinite(p.lo80) && Number.isFinite(p.hi80) ? `${money(p.lo80)} – ${money(p.hi80)}` : "";
    return [formatDay(p.date), "", money(forecastValue(p) ?? NaN), range, ""];
  });
  return [...history, ...future];
}

export function renderChartTable() {
  const rows = chartTableRows();
  $("chart-table-details").hidden = !rows.length;
  $("chart-table").tBodies[0].replaceChildren(
    ...rows.map(([date, ...cells]) =>
      h(
        "tr",
        {},
        h("th", { scope: "row", text: date }),
        ...cells.map((text, i) => h("td", { class: i < 3 ? "num" : "", text })),
      ),
    ),
  );
}

export function clearChartTable() {
  $("chart-table").tBodies[0].replaceChildren();
  $("chart-table-details").hidden = true;
}

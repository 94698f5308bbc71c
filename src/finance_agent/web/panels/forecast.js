// Daily sales and forecast: loads the sales history, the unusual days and the forecast for
// the horizon picked, and draws them (chart.js) with their words and tables. A part that
// fails is named in the panel's error until it loads; the other parts still show.
import { HISTORY_DAYS, ROUTES } from "../api.js";
import { renderChart } from "../chart.js";
import { $, setBusy } from "../dom.js";
import { formatDate, money, moneyShort, monthLabel } from "../format.js";
import { describeError, fillError, latest, noteFailure } from "../loading.js";
import { state } from "../state.js";
import {
  anomalyLabel,
  anomalyWhy,
  clearAnomalies,
  loadAnomalies,
  renderAnomalyTable,
  showAnomalies,
} from "./anomalies.js";
import { clearChartSummary, renderChartSummary, renderLegend } from "./chart-summary.js";
import { clearChartTable, renderChartTable } from "./chart-table.js";

const chartFormat = { money, moneyShort, date: formatDate, monthLabel, anomalyLabel, anomalyWhy };

function drawChart() {
  renderChart($("chart"), $("chart-tip"), state.chartData, chartFormat);
}

function refreshChart() {
  renderChartSummary();
  renderLegend();
  renderAnomalyTable();
  renderChartTable();
  drawChart();
}

async function loadForecast() {
  const params = { horizon: state.horizon };
  if (await state.api.supportsParameter(ROUTES.cashflow, "method", "auto")) params.method = "auto";
  return latest("forecast", () => state.api.get(ROUTES.cashflow, params));
}

export async function loadChart() {
  setBusy("chart-wrap", true);
  const [sales, anomalies, forecast] = await Promise.allSettled([
    latest("sales", () => state.api.get(ROUTES.sales, { days: HISTORY_DAYS })),
    latest("anomalies", loadAnomalies),
    loadForecast(),
  ]);
  setBusy("chart-wrap", false);
  const failures = [];
  if (sales.status === "fulfilled") {
    if (sales.value === undefined) return;
    state.currency = sales.value.data.currency || state.currency;
    state.chartData.sales = sales.value.data.days || [];
    state.chartFailures.delete("sales");
  } else {
    failures.push(["sales", "Sales history", sales.reason]);
  }
  if (anomalies.status === "fulfilled") {
    if (anomalies.value !== undefined) showAnomalies(anomalies.value.data);
  } else {
    state.chartData.anomalies = null;
    failures.push(["anomalies", "Unusual days", anomalies.reason]);
  }
  if (forecast.status === "fulfilled") {
    if (forecast.value !== undefined) showForecast(forecast.value.data);
  } else {
    state.chartData.forecast = null;
    state.shownHorizon = null;
    failures.push(["forecast", "Forecast", forecast.reason]);
  }
  refreshChart();
  for (const [source, what, error] of failures) chartFailed(source, what, error);
  renderChartError();
}

/** Asks for the unusual days again: they must not stay missing while the chart is used. */
async function retryAnomalies() {
  try {
    const answer = await latest("anomalies", loadAnomalies);
    if (answer === undefined) return;
    showAnomalies(answer.data);
    refreshChart();
  } catch (error) {
    chartFailed("anomalies", "Unusual days", error);
  }
  renderChartError();
}

function showForecast(forecast) {
  state.chartData.forecast = forecast;
  state.shownHorizon = state.horizon;
  state.chartFailures.delete("forecast");
}

/** Remembers a failed part of the chart until it loads: another part loading does not hide it. */
function chartFailed(source, what, error, lead = "") {
  if (error?.status === 401) return;
  state.chartFailures.set(source, { what, error, lead });
}

function renderChartError() {
  const failures = [...state.chartFailures.values()];
  for (const { error } of failures) noteFailure(error);
  const text = failures
    .map(({ what, error, lead }) => `${what}: ${[lead, describeError(error)].filter(Boolean).join(" ")}`)
    .join(" ");
  fillError("chart-error", text);
}

/** Puts the horizon back on the forecast shown; says so, or "" when nothing moved. */
function restoreHorizon() {
  const wanted = state.horizon;
  const shown = state.shownHorizon;
  if (shown === null || shown === wanted) return "";
  state.horizon = shown;
  $("horizon").value = String(shown);
  return `the next ${wanted} days could not be loaded; still showing the next ${shown} days.`;
}

async function changeHorizon() {
  if (state.chartFailures.has("anomalies")) retryAnomalies();
  try {
    const answer = await loadForecast();
    if (answer === undefined) return;
    showForecast(answer.data);
    refreshChart();
  } catch (error) {
    chartFailed("forecast", "Forecast", error, restoreHorizon());
  }
  renderChartError();
}

export function clearChart() {
  $("chart").replaceChildren();
  $("chart-tip").hidden = true;
  clearChartSummary();
  clearAnomalies();
  clearChartTable();
}

export function wireChart() {
  $("horizon").addEventListener("change", (event) => {
    state.horizon = Number(event.target.value);
    changeHorizon();
  });
  let frame = 0;
  const observer = new ResizeObserver(() => {
    window.cancelAnimationFrame(frame);
    frame = window.requestAnimationFrame(() => {
      if (state.signedIn) drawChart();
    });
  });
  observer.observe($("chart-wrap"));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") $("chart-tip").hidden = true;
  });
}

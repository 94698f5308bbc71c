// The finance overview: KPIs, sales chart, overdue customers, actions and the chat.
// Calls only the public API routes, with the token from the URL fragment or the sign-in form.
import {
  Api,
  ApiError,
  ConfigError,
  TabStore,
  cleanToken,
  randomKey,
  resolveApiBase,
  tokenClaims,
} from "./api.js";
import { expectedOf, forecastValue, renderChart } from "./chart.js";

const ROUTES = {
  kpis: "/agent/tools/kpis",
  cashflow: "/agent/tools/cashflow",
  anomalies: "/agent/tools/anomalies",
  sales: "/agent/tools/sales",
  arAging: "/agent/tools/ar-aging",
  reminder: "/agent/actions/collection-reminder",
  actions: "/agent/actions",
  chat: "/agent/chat",
};
const HISTORY_DAYS = 365; // the API's maximum: the whole stored history
const AR_ROWS_SHOWN = 10;
const ACTIONS_SHOWN = 10;
// Clicks on the same row within this time after a reminder went through repeat that intent
// (a double click): they reuse its Idempotency-Key, so the API replays the first answer.
const SAME_INTENT_MS = 3000;
// A model may take a while to answer: the chat waits longer than the figures do.
const CHAT_TIMEOUT_MS = 60_000;

const $ = (id) => document.getElementById(id);

const state = {
  api: null,
  store: null,
  token: null,
  currency: "USD",
  periodDays: 30,
  horizon: 30,
  // The choices whose figures are on screen (null: none yet). After a failed load the
  // controls go back to these, so figures never sit under a choice they are not for.
  shownPeriodDays: null,
  shownHorizon: null,
  chartFailures: new Map(), // "sales" | "anomalies" | "forecast" -> {what, error, lead}
  // A request failed because the API was down or broken: the next success reloads the panels
  // still in error, so they do not wait for a reload of the page.
  apiFailing: false,
  // Panels reloaded that way and not loaded since: reloaded once only, so a route that keeps
  // failing while others answer is not asked again and again (its "Try again" stays).
  autoRetried: new Set(),
  chartData: { sales: [], forecast: null, anomalies: null },
  anomalyScan: null, // the anomaly answer without its days: method, window, note
  customers: [],
  showAllCustomers: false,
  reminderKeys: new Map(), // customer_id -> {key, settledAt}
  sending: new Set(),
  rowStatus: new Map(), // customer_id -> {text, kind}
  lastAction: null,
  sessionId: null,
  // A chat message the API may or may not have answered: sent again unchanged, it reuses
  // its Idempotency-Key, so the model is not asked twice (nor a reminder recorded twice).
  chatRetry: null, // {message, sessionId, key}
  loads: {},
  signedIn: false,
  // Bumped on every sign-in and sign-out: an answer asked for by an earlier sign-in is dropped.
  generation: 0,
};

// -- formatting ----------------------------------------------------------------------------

function numberFormat(options) {
  try {
    return new Intl.NumberFormat(undefined, options);
  } catch {
    return new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
  }
}

function money(value) {
  if (typeof value !== "number" || !Number.isFinite(value)) return "—";
  return numberFormat({ style: "currency", currency: state.currency }).format(value);
}

function moneyWhole(value) {
  if (typeof value !== "number" || !Number.isFinite(value)) return "—";
  return numberFormat({
    style: "currency",
    currency: state.currency,
    minimumFractionDigits: 0,
    maximumFractionDigits: 0,
  }).format(value);
}

/** "$12.5K"; ``digits`` decimals at most on the compact figure (none below 1,000). */
function moneyShort(value, digits = 1) {
  return numberFormat({
    style: "currency",
    currency: state.currency,
    notation: "compact",
    maximumFractionDigits: Math.abs(value) >= 1000 ? digits : 0,
  }).format(value);
}

function percent(ratio, digits = 1) {
  return numberFormat({
    style: "percent",
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(ratio);
}

function localDate(iso) {
  const [y, m, d] = String(iso).slice(0, 10).split("-").map(Number);
  return new Date(y, m - 1, d, 12);
}

function formatDate(iso, options = { month: "short", day: "numeric", year: "numeric" }) {
  if (!iso) return "";
  return localDate(iso).toLocaleDateString(undefined, options);
}

function monthLabel(iso, months) {
  const date = localDate(iso);
  if (!months) return date.toLocaleDateString(undefined, { month: "short", day: "numeric" });
  const options = date.getMonth() === 0 ? { month: "short", year: "numeric" } : { month: "short" };
  return date.toLocaleDateString(undefined, options);
}

function formatDateTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

function anomalyWhy(anomaly) {
  if (typeof anomaly.reason === "string" && anomaly.reason) return anomaly.reason;
  const score = Number(anomaly.z_score);
  const where = anomaly.direction === "drop" ? "below" : "above";
  const deviation = Math.abs(Number(anomaly.deviation));
  const parts = [];
  if (Number.isFinite(deviation)) parts.push(`${money(deviation)} ${where} the expected level`);
  if (Number.isFinite(score)) parts.push(`score ${Math.abs(score).toFixed(1)}`);
  return parts.length ? `${parts.join(", ")}.` : "Flagged by the anomaly scan.";
}

function anomalyLabel(anomaly) {
  const kind = anomaly.direction === "drop" ? "Unusually low" : "Unusually high";
  const expected = expectedOf(anomaly);
  const parts = [`${kind} sales on ${formatDate(anomaly.date)}: ${money(anomaly.value)}`];
  if (expected !== null) parts.push(`expected ${money(expected)}`);
  parts.push(anomalyWhy(anomaly));
  return parts.join("; ");
}

const chartFormat = { money, moneyShort, date: formatDate, monthLabel, anomalyLabel, anomalyWhy };

// -- small DOM helpers ---------------------------------------------------------------------

function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") element.className = value;
    else if (key === "text") element.textContent = value;
    else if (key.startsWith("data-") || key.startsWith("aria-") || key === "role") {
      element.setAttribute(key, String(value));
    } else element[key] = value;
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

function announce(text) {
  const region = $("announcer");
  region.textContent = "";
  // A fresh text node in a later frame, so the same message is announced again.
  window.requestAnimationFrame(() => {
    region.textContent = text;
  });
}

/** The panel's error box; ``lead`` says what could not be loaded when it is not obvious. */
function showError(id, error, lead = "") {
  if (error) noteFailure(error);
  fillError(id, error ? [lead, describeError(error)].filter(Boolean).join(" ") : "");
}

/** Writes ``text`` in a panel's error box with a "Try again" button, or hides it. */
function fillError(id, text) {
  const box = $(id);
  box.hidden = !text;
  if (!text) {
    box.replaceChildren();
    state.autoRetried.delete(id);
    return;
  }
  const retry = h("button", { type: "button", class: "button button-small retry", text: "Try again" });
  retry.addEventListener("click", () => PANEL_LOADERS[id]());
  box.replaceChildren(h("span", { class: "error-text", text }), " ", retry);
}

function noteFailure(error) {
  if (error instanceof ApiError && (error.status === 0 || error.status >= 500)) {
    state.apiFailing = true;
  }
}

/** The API answered: after a failure, the panels still in error are loaded again, once. */
function onAnswered() {
  if (!state.apiFailing) return;
  state.apiFailing = false;
  // After this answer has been handled, not in the middle of it.
  window.setTimeout(() => {
    for (const [id, load] of Object.entries(PANEL_LOADERS)) {
      if (!state.signedIn || $(id).hidden || state.autoRetried.has(id)) continue;
      state.autoRetried.add(id);
      load();
    }
  });
}

function describeError(error) {
  if (error instanceof ApiError) {
    if (error.status === 0) return `${error.message} Check that the server is running.`;
    if (error.status === 404 && error.code !== "not_found") return "This API does not offer it.";
    const text = error.message.charAt(0).toUpperCase() + error.message.slice(1);
    // The id lets the user quote the failure to whoever reads the server's logs.
    return error.requestId ? `${text.replace(/[.\s]+$/, "")} (request id ${error.requestId}).` : text;
  }
  return String(error?.message || error);
}

function setBusy(id, busy) {
  $(id).setAttribute("aria-busy", busy ? "true" : "false");
}

/** Runs ``load`` as the latest request of ``name``; an older answer arriving late is dropped. */
async function latest(name, load) {
  const ticket = (state.loads[name] || 0) + 1;
  state.loads[name] = ticket;
  const isLatest = () => state.loads[name] === ticket;
  try {
    const result = await load();
    return isLatest() ? result : undefined;
  } catch (error) {
    if (isLatest()) throw error;
    return undefined; // a newer request decides what the panel shows
  }
}

// -- auth ----------------------------------------------------------------------------------

function tokenFromFragment() {
  const hash = window.location.hash.replace(/^#/, "");
  if (!hash) return null;
  const params = new URLSearchParams(hash);
  const token = params.get("token");
  if (token === null) return null;
  // Out of the address bar (and so out of the history and of a copied link).
  const url = `${window.location.pathname}${window.location.search}`;
  window.history.replaceState(window.history.state, "", url);
  return cleanToken(token);
}

function whoIs(claims) {
  return (
    claims.email || claims["cognito:username"] || claims.username || claims.sub || "signed in"
  );
}

function showSignIn(message, kind = "info") {
  state.signedIn = false;
  $("main").hidden = true;
  $("session-box").hidden = true;
  $("signin").hidden = false;
  const box = $("signin-message");
  box.textContent = message;
  box.className = `notice ${kind === "error" ? "notice-error" : "notice-info"}`;
  box.hidden = !message;
  $("token-input").value = "";
  document.title = "Sign in · finance-agent";
  // Keyboard and screen-reader users land where the form needs them; the message above it
  // is read out by its alert role.
  $("token-input").focus();
}

/** Forgets what the previous sign-in saw: the next one starts from a clean page. */
function clearSession() {
  state.token = null;
  state.store?.remove("token");
  state.store?.remove("chat-session");
  state.sessionId = null;
  state.chatRetry = null;
  clearFigures();
}

function signOut(message = "You are signed out. Paste a token or open a new link to sign in.") {
  clearSession();
  showSignIn(message);
}

function onUnauthorized(error) {
  if (!state.token && !state.signedIn) {
    return;
  }
  const claims = tokenClaims(state.token || "");
  let message;
  if (typeof claims.exp === "number" && claims.exp * 1000 <= Date.now()) {
    const when = formatDateTime(new Date(claims.exp * 1000).toISOString());
    message = `Your sign-in has expired (the token expired ${when}). Sign in again: open a new link from finance-agent serve or paste a new token.`;
  } else if (!state.token) {
    message = "Sign in to see the figures.";
  } else {
    message = `Your sign-in is no longer accepted (${error.message}). Sign in again with a valid token.`;
  }
  state.token = null;
  state.store.remove("token");
  clearFigures(); // hidden is not enough: whoever signs in next may be someone else
  showSignIn(message, "error");
  announce(message);
}

function signIn(token) {
  clearFigures(); // whatever an earlier sign-in saw is not this one's to see
  state.token = token;
  state.store.set("token", token);
  state.signedIn = true;
  state.sessionId = state.store.get("chat-session");
  $("signin").hidden = true;
  $("main").hidden = false;
  $("session-box").hidden = false;
  const who = whoIs(tokenClaims(token));
  $("who").textContent = who;
  $("who").title = `Signed in as ${who}`;
  document.title = "Finance overview · finance-agent";
  loadEverything();
}

// -- KPI cards -----------------------------------------------------------------------------

function changeLine(current, previous, kind, days) {
  if (typeof previous !== "number" || typeof current !== "number") return null;
  const span = h("span", { class: "kpi-change-value" });
  let direction = "flat";
  if (kind === "ratio") {
    const points = (current - previous) * 100;
    direction = points > 0.05 ? "up" : points < -0.05 ? "down" : "flat";
    span.textContent = `${points >= 0 ? "+" : "−"}${Math.abs(points).toFixed(1)} pts`;
  } else if (previous === 0) {
    span.textContent = current === 0 ? "no change" : "new";
  } else {
    const change = (current - previous) / Math.abs(previous);
    direction = change > 0.0005 ? "up" : change < -0.0005 ? "down" : "flat";
    span.textContent = `${change >= 0 ? "+" : "−"}${percent(Math.abs(change))}`;
  }
  const arrow = { up: "▲", down: "▼", flat: "■" }[direction];
  const shown = kind === "ratio" ? percent(previous) : money(previous);
  return {
    direction,
    nodes: [
      h("span", { class: "kpi-arrow", "aria-hidden": "true", text: arrow }),
      span,
      ` vs previous ${days} days (${shown})`,
    ],
  };
}

function renderKpis(kpis) {
  state.currency = kpis.currency || state.currency;
  const days = state.periodDays;
  $("kpi-period").textContent =
    `${formatDate(kpis.start_date)} – ${formatDate(kpis.end_date)}` +
    (kpis.previous
      ? `, compared with ${formatDate(kpis.previous.start_date)} – ${formatDate(kpis.previous.end_date)}`
      : "");
  const cards = {
    revenue: { value: money(kpis.revenue), raw: kpis.revenue },
    // No revenue, no margin: "0.0%" would read as selling at cost.
    gross_margin: { value: kpis.revenue ? percent(kpis.gross_margin) : "—", raw: kpis.gross_margin },
    ar_total: { value: money(kpis.ar_total), raw: kpis.ar_total },
    ar_over_60: { value: money(kpis.ar_over_60), raw: kpis.ar_over_60 },
  };
  for (const [name, card] of Object.entries(cards)) {
    const root = document.querySelector(`[data-kpi="${name}"]`);
    const value = root.querySelector(".kpi-value");
    value.textContent = card.value;
    value.dataset.value = String(card.raw);
    value.classList.toggle("kpi-value-long", card.value.length > 12);
    const change = root.querySelector(".kpi-change");
    change.className = "kpi-change";
    change.replaceChildren();
    let line = null;
    const compared = name === "revenue" || name === "gross_margin";
    // A previous period the stored history only partly covers would give a false change.
    const covered = kpis.previous?.days_with_sales;
    if (compared && typeof covered === "number" && covered < days) {
      change.textContent =
        covered === 0
          ? `No sales recorded in the previous ${days} days to compare with`
          : `Not compared: the previous ${days} days have sales on only ${covered}`;
      continue;
    }
    if (name === "revenue") line = changeLine(kpis.revenue, kpis.previous?.revenue, "money", days);
    if (name === "gross_margin" && kpis.revenue && kpis.previous?.revenue) {
      line = changeLine(kpis.gross_margin, kpis.previous?.gross_margin, "ratio", days);
    }
    if (line) {
      change.classList.add(`change-${line.direction}`);
      change.append(...line.nodes);
    } else if (name === "ar_total") {
      change.textContent = `Owed to us today, ${formatDate(kpis.end_date)}`;
    } else if (name === "ar_over_60") {
      const share = kpis.ar_total ? kpis.ar_over_60 / kpis.ar_total : 0;
      change.textContent = `${percent(share)} of receivables, today`;
      if (share >= 0.2) change.classList.add("change-warn");
    }
  }
}

/** Puts the period picker back on the figures shown; says so, or "" when nothing moved. */
function restorePeriod() {
  const wanted = state.periodDays;
  const shown = state.shownPeriodDays;
  if (shown === null || shown === wanted) return "";
  state.periodDays = shown;
  $(`period-${shown}`).checked = true;
  return `The last ${wanted} days could not be loaded; still showing the last ${shown} days.`;
}

async function loadKpis() {
  setBusy("kpis", true);
  try {
    const answer = await latest("kpis", () =>
      state.api.get(ROUTES.kpis, { period: `last_${state.periodDays}d` }),
    );
    if (answer === undefined) return;
    renderKpis(answer.data);
    state.shownPeriodDays = state.periodDays;
    showError("kpi-error", null);
  } catch (error) {
    if (error.status !== 401) showError("kpi-error", error, restorePeriod());
  } finally {
    setBusy("kpis", false);
  }
}

// -- sales chart ---------------------------------------------------------------------------

function drawChart() {
  renderChart($("chart"), $("chart-tip"), state.chartData, chartFormat);
}

function renderChartSummary() {
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

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * What the scan found and over which days: the chat's "unusual days" looks at the last 60
 * days, the page at its whole history, so the page says its window. The API's note (too
 * few days to judge) is said instead of a count that would read as "all normal".
 */
function anomalySummary(anomalies, scan, firstSale) {
  const how = scan.method ? ` (${scan.method} scan)` : "";
  if (scan.note && !anomalies.length) return `Unusual days: ${scan.note}${how}`;
  // The scan asks for a year; days before the first sale were not judged, so not named.
  const start = firstSale && firstSale > scan.start_date ? firstSale : scan.start_date;
  const window =
    start && scan.end_date ? ` in ${formatDate(start)} – ${formatDate(scan.end_date)}` : "";
  const note = scan.note ? `; ${scan.note}` : "";
  return `${plural(anomalies.length, "unusual day")}${window}${how}${note}`;
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

function renderLegend() {
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

/** "Low" or "High"; a day that is part of a level shift says so ("Low · shift"). */
function anomalyTag(anomaly) {
  const side = anomaly.direction === "drop" ? "Low" : "High";
  return anomaly.level_shift ? `${side} · shift` : side;
}

function renderAnomalyTable() {
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
        h("th", { scope: "row", text: formatDate(a.date, { weekday: "short", month: "short", day: "numeric", year: "numeric" }) }),
        h("td", { class: "num", text: money(a.value) }),
        withExpected ? h("td", { class: "num", text: money(expectedOf(a) ?? NaN) }) : null,
        h("td", {}, h("span", { class: `tag tag-${a.direction === "drop" ? "drop" : "spike"}`, text: anomalyTag(a) }), " ", anomalyWhy(a)),
      ),
    );
  $("anomaly-table").tBodies[0].replaceChildren(...rows);
}

/** One row per day the chart shows: the sales days, then the forecast's. */
function chartTableRows() {
  const { sales, forecast, anomalies } = state.chartData;
  const unusual = new Map((anomalies || []).map((a) => [a.date, a]));
  const day = (iso) => formatDate(iso, { weekday: "short", month: "short", day: "numeric", year: "numeric" });
  const history = sales.map((d) => {
    const a = unusual.get(d.date);
    const expected = a ? expectedOf(a) : null;
    const note = a
      ? `${a.direction === "drop" ? "Unusually low" : "Unusually high"}${expected !== null ? `, expected ${money(expected)}` : ""}`
      : "";
    return [day(d.date), money(d.revenue), "", "", note];
  });
  const future = (forecast?.points || []).map((p) => {
    const range = Number.isFinite(p.lo80) && Number.isFinite(p.hi80) ? `${money(p.lo80)} – ${money(p.hi80)}` : "";
    return [day(p.date), "", money(forecastValue(p) ?? NaN), range, ""];
  });
  return [...history, ...future];
}

function renderChartTable() {
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

async function loadAnomalies() {
  const params = { period: `last_${HISTORY_DAYS}d` };
  if (await state.api.supportsParameter(ROUTES.anomalies, "method", "robust")) {
    params.method = "robust";
  }
  return state.api.get(ROUTES.anomalies, params);
}

async function loadChart() {
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

function showAnomalies(report) {
  const { anomalies: days, ...scan } = report;
  state.anomalyScan = scan;
  state.chartData.anomalies = days || [];
  state.chartFailures.delete("anomalies");
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

// -- overdue customers and reminders -------------------------------------------------------

const over60 = (c) => (c.days_61_90 || 0) + (c.days_over_90 || 0);
const pastDue = (c) => (c.total || 0) - (c.current || 0);
// [label, value, class] of the amount columns, in the order of the table's headers.
const AR_COLUMNS = [
  ["Over 60", over60, "num col-strong"],
  ["Current", (c) => c.current, "num"],
  ["1–30", (c) => c.days_1_30, "num"],
  ["31–60", (c) => c.days_31_60, "num"],
  ["61–90", (c) => c.days_61_90, "num"],
  ["Over 90", (c) => c.days_over_90, "num"],
  ["Total", (c) => c.total, "num"],
];

function renderCustomers() {
  const overdue = state.customers.filter((c) => pastDue(c) > 0);
  const shown = state.showAllCustomers ? overdue : overdue.slice(0, AR_ROWS_SHOWN);
  const totalOver60 = overdue.reduce((sum, c) => sum + over60(c), 0);
  $("ar-meta").textContent = overdue.length
    ? `${overdue.length} customers overdue · ${money(totalOver60)} over 60 days`
    : "No customer is overdue.";
  const rows = shown.map((c) => {
    const status = state.rowStatus.get(c.customer_id);
    const button = h("button", {
      type: "button",
      class: "button button-small",
      text: "Send reminder",
      "aria-label": `Send a payment reminder to ${c.customer_name}`,
      "data-customer": c.customer_id,
    });
    if (state.sending.has(c.customer_id)) {
      button.setAttribute("aria-disabled", "true");
      button.textContent = "Sending…";
    }
    button.addEventListener("click", () => sendReminder(c, button));
    const cell = h("td", { class: "action-cell", role: "cell" }, button);
    if (status) {
      cell.append(h("span", { class: `row-status row-status-${status.kind}`, text: status.text }));
    }
    return h(
      "tr",
      { "data-customer": c.customer_id, role: "row" },
      h(
        "th",
        { scope: "row", role: "rowheader" },
        h("span", { class: "customer-name", text: c.customer_name }),
        h("span", { class: "customer-id", text: c.customer_id }),
      ),
      ...AR_COLUMNS.map(([label, value, cls]) =>
        h("td", {
          class: value(c) ? cls : `${cls} zero`,
          role: "cell",
          "data-label": label,
          text: moneyWhole(value(c)),
        }),
      ),
      cell,
    );
  });
  $("ar-table").tBodies[0].replaceChildren(...rows);
  const more = $("ar-more");
  more.hidden = overdue.length <= AR_ROWS_SHOWN;
  more.textContent = state.showAllCustomers
    ? `Show the first ${AR_ROWS_SHOWN} only`
    : `Show all ${overdue.length} overdue customers`;
  more.setAttribute("aria-expanded", state.showAllCustomers ? "true" : "false");
}

async function loadCustomers() {
  setBusy("ar-table", true);
  try {
    const answer = await latest("ar", () => state.api.get(ROUTES.arAging));
    if (answer === undefined) return;
    state.currency = answer.data.currency || state.currency;
    state.customers = [...(answer.data.customers || [])].sort(
      (a, b) => over60(b) - over60(a) || pastDue(b) - pastDue(a),
    );
    renderCustomers();
    showError("ar-error", null);
  } catch (error) {
    if (error.status !== 401) showError("ar-error", error);
  } finally {
    setBusy("ar-table", false);
  }
}

function reminderStatus(text, kind) {
  const box = $("reminder-status");
  box.textContent = text;
  box.className = `notice notice-${kind}`;
  box.setAttribute("role", kind === "error" ? "alert" : "status");
  box.setAttribute("aria-live", kind === "error" ? "assertive" : "polite");
  box.hidden = false;
  announce(text);
}

/** The Idempotency-Key of this click: a new intent gets a new key, a repeat reuses it. */
function intentKey(customerId) {
  const known = state.reminderKeys.get(customerId);
  const now = Date.now();
  if (known && (known.settledAt === null || now - known.settledAt < SAME_INTENT_MS)) {
    return known.key;
  }
  const key = `web-${randomKey()}`;
  state.reminderKeys.set(customerId, { key, settledAt: null });
  return key;
}

async function sendReminder(customer, button) {
  const id = customer.customer_id;
  if (state.sending.has(id)) return; // the same click intent is already on its way
  const key = intentKey(id);
  state.sending.add(id);
  button.setAttribute("aria-disabled", "true");
  button.textContent = "Sending…";
  const name = customer.customer_name;
  const generation = state.generation;
  try {
    const answer = await state.api.request("POST", ROUTES.reminder, {
      body: { customer_id: id },
      headers: { "Idempotency-Key": key },
    });
    if (generation !== state.generation) return; // sent by an earlier sign-in
    state.reminderKeys.set(id, { key, settledAt: Date.now() });
    const action = answer.data || {};
    const replayed = answer.headers.get("idempotent-replayed") === "true";
    const isNew = answer.status === 201;
    const when = action.payload?.remind_date ? ` for ${formatDate(action.payload.remind_date)}` : "";
    const text =
      isNew || replayed
        ? `Reminder to ${name} recorded${when} (action ${action.action_id}).`
        : `A reminder to ${name}${when} was already recorded (action ${action.action_id}); nothing new was added.`;
    state.rowStatus.set(id, { text: isNew || replayed ? "Reminder recorded" : "Already recorded", kind: "success" });
    reminderStatus(text, "success");
    state.lastAction = action.action_id;
    loadActions();
  } catch (error) {
    if (generation !== state.generation) return;
    if (!(error instanceof ApiError) || error.status === 401) {
      if (!(error instanceof ApiError)) reminderStatus(describeError(error), "error");
      return;
    }
    if (error.status === 0 || error.status >= 500 || error.status === 409 || error.status === 429) {
      // Not recorded, or not known: a retry reuses the key and cannot record it twice.
      state.reminderKeys.set(id, { key, settledAt: null });
      const why = error.status === 409 ? "it is still being recorded" : describeError(error);
      reminderStatus(
        `The reminder to ${name} was not confirmed (${why}). Try again: it will not be sent twice.`,
        "error",
      );
      state.rowStatus.set(id, { text: "Not confirmed, try again", kind: "error" });
    } else {
      state.reminderKeys.delete(id);
      const why = error.message.replace(/[.\s]+$/, "");
      const text =
        error.status === 403
          ? `You cannot send reminders with this sign-in: ${why}. Ask for a token with the agent:actions permission.`
          : `The reminder to ${name} was refused: ${why}.`;
      state.rowStatus.set(id, { text: error.status === 403 ? "Not allowed" : "Refused", kind: "error" });
      reminderStatus(text, "error");
    }
  } finally {
    state.sending.delete(id);
    // The row may have been redrawn meanwhile: update the button that is on the page now.
    renderCustomerRow(id);
  }
}

function renderCustomerRow(id) {
  const row = document.querySelector(`#ar-table tr[data-customer="${CSS.escape(id)}"]`);
  if (!row) return;
  const button = row.querySelector("button");
  const hadFocus = document.activeElement === button;
  button.removeAttribute("aria-disabled");
  button.textContent = "Send reminder";
  const cell = row.querySelector(".action-cell");
  cell.querySelector(".row-status")?.remove();
  const status = state.rowStatus.get(id);
  if (status) {
    cell.append(h("span", { class: `row-status row-status-${status.kind}`, text: status.text }));
  }
  if (hadFocus) button.focus();
}

// -- actions -------------------------------------------------------------------------------

function humanize(name) {
  const text = String(name || "action").replace(/_/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function renderActions(items) {
  const list = $("actions-list");
  if (!items.length) {
    list.replaceChildren(h("li", { class: "actions-empty", text: "No actions recorded yet." }));
    return;
  }
  list.replaceChildren(
    ...items.map((a) => {
      const p = a.payload || {};
      const who = p.customer_name || p.customer_id;
      const title = who ? `${humanize(a.action)}: ${who}` : humanize(a.action);
      const details = [];
      if (p.invoice_id) details.push(`invoice ${p.invoice_id}`);
      if (p.remind_date) details.push(`remind on ${formatDate(p.remind_date)}`);
      if (p.amount_past_due !== undefined) details.push(`${money(Number(p.amount_past_due))} past due`);
      return h(
        "li",
        { class: `action${a.action_id === state.lastAction ? " action-new" : ""}`, "data-action": a.action_id },
        h("p", { class: "action-title" }, title, " ", h("span", { class: `tag tag-status`, text: a.status })),
        details.length ? h("p", { class: "action-details", text: details.join(" · ") }) : null,
        h(
          "p",
          { class: "action-meta" },
          `${a.performed_by} · `,
          h("time", { dateTime: a.created_at, text: formatDateTime(a.created_at) }),
        ),
      );
    }),
  );
}

/** Loads the latest actions; resolves to the items shown (undefined when not loaded). */
async function loadActions() {
  setBusy("actions-list", true);
  try {
    const answer = await latest("actions", () =>
      state.api.get(ROUTES.actions, { limit: ACTIONS_SHOWN }),
    );
    if (answer === undefined) return undefined;
    const items = answer.data.items || [];
    renderActions(items);
    showError("actions-error", null);
    return items;
  } catch (error) {
    if (error.status !== 401) showError("actions-error", error);
  } finally {
    setBusy("actions-list", false);
  }
}

/**
 * A reminder recorded through the chat: the latest actions and the customer's row show it,
 * as they do for the row's own button.
 */
async function showChatReminders() {
  const known = new Set(
    [...document.querySelectorAll("#actions-list li[data-action]")].map((li) => li.dataset.action),
  );
  // Without a list loaded before, only the newest reminder can be told to be this one.
  const listedBefore = $("actions-list").querySelector("li") !== null;
  const items = await loadActions();
  const added = (items || [])
    .filter((a) => !known.has(a.action_id) && a.action === "collection_reminder")
    .slice(0, listedBefore ? undefined : 1);
  if (!added.length) return;
  state.lastAction = added[0].action_id;
  renderActions(items); // marks the newest as new
  for (const action of added) {
    const id = action.payload?.customer_id;
    if (!id) continue;
    state.rowStatus.set(id, { text: "Reminder recorded", kind: "success" });
    renderCustomerRow(id);
  }
}

// -- chat ----------------------------------------------------------------------------------

function resetChat() {
  const log = $("chat-log");
  log.replaceChildren(
    h("p", {
      class: "chat-empty",
      id: "chat-empty",
      text: "Ask about revenue, margins, who owes what, the cash-flow outlook or unusual days.",
    }),
  );
}

// What a screen reader says before each bubble: an error is not the agent speaking.
const BUBBLE_WHO = { user: "You said:", agent: "Agent:", error: "Not answered:" };

function chatBubble(role, text, meta) {
  $("chat-empty")?.remove();
  const bubble = h(
    "div",
    { class: `bubble bubble-${role}` },
    h("p", { class: "bubble-who visually-hidden", text: BUBBLE_WHO[role] }),
    h("p", { class: "bubble-text", text }),
  );
  if (meta) bubble.append(meta);
  $("chat-log").append(bubble);
  bubble.scrollIntoView({ block: "nearest" });
  return bubble;
}

function chatKey(message) {
  const retry = state.chatRetry;
  if (retry && retry.message === message && retry.sessionId === state.sessionId) return retry.key;
  return `web-chat-${randomKey()}`;
}

async function sendChat(message) {
  const input = $("chat-input");
  const send = $("chat-send");
  if (!message || send.getAttribute("aria-disabled") === "true") return;
  chatBubble("user", message);
  input.value = "";
  send.setAttribute("aria-disabled", "true");
  const waiting = chatBubble("agent", "Thinking…");
  waiting.classList.add("bubble-waiting");
  const body = { message };
  if (state.sessionId) body.session_id = state.sessionId;
  const generation = state.generation;
  const key = chatKey(message);
  try {
    const answer = await state.api.request("POST", ROUTES.chat, {
      body,
      headers: { "Idempotency-Key": key },
      timeoutMs: CHAT_TIMEOUT_MS,
    });
    if (generation !== state.generation) return; // asked by an earlier sign-in
    state.chatRetry = null;
    const data = answer.data || {};
    if (data.session_id) {
      state.sessionId = data.session_id;
      state.store.set("chat-session", data.session_id);
    }
    const tools = Array.isArray(data.tools_used) ? data.tools_used : [];
    const meta = h(
      "div",
      { class: "bubble-meta" },
      h("span", { text: `Answered by ${data.provider || "the agent"}` }),
      tools.length
        ? h(
            "span",
            { class: "tools" },
            " · tools: ",
            h("ul", { class: "tool-list", "aria-label": "Tools used" }, ...tools.map((t) => h("li", { class: "tool", text: t }))),
          )
        : h("span", { text: " · no tools used" }),
    );
    waiting.remove();
    chatBubble("agent", data.reply || "(no reply)", meta).classList.add("bubble-answer");
    // Tool names differ by provider ("create_collection_reminder" locally): any reminder tool.
    if (tools.some((t) => /reminder/i.test(String(t)))) showChatReminders();
  } catch (error) {
    waiting.remove();
    if (error.status === 401 || generation !== state.generation) return;
    const unknown = error.status === 0 || error.status >= 500 || error.status === 409;
    state.chatRetry = unknown ? { message, sessionId: state.sessionId, key } : null;
    input.value = message; // nothing lost: send it again
    const text =
      error.status === 404
        ? "The chat is not available on this API."
        : `The agent could not answer: ${describeError(error)}`;
    chatBubble("error", text);
  } finally {
    send.removeAttribute("aria-disabled");
  }
}

// -- clearing ------------------------------------------------------------------------------

/** Empties every panel, as before a first sign-in, and drops answers still on their way. */
function clearFigures() {
  state.generation += 1;
  for (const name of Object.keys(state.loads)) state.loads[name] += 1;
  Object.assign(state, {
    chartData: { sales: [], forecast: null, anomalies: null },
    anomalyScan: null, // the anomaly answer without its days: method, window, note
    customers: [],
    showAllCustomers: false,
    lastAction: null,
    shownPeriodDays: null,
    shownHorizon: null,
    apiFailing: false,
  });
  state.reminderKeys.clear();
  state.sending.clear();
  state.rowStatus.clear();
  state.chartFailures.clear();
  state.autoRetried.clear();
  for (const card of document.querySelectorAll(".kpi")) {
    const value = card.querySelector(".kpi-value");
    value.textContent = "—";
    delete value.dataset.value;
    value.classList.remove("kpi-value-long");
    card.querySelector(".kpi-change").replaceChildren();
  }
  $("kpi-period").textContent = "";
  for (const id of ["chart", "chart-summary", "chart-legend", "ar-meta", "actions-list"]) {
    $(id).replaceChildren();
  }
  $("chart-tip").hidden = true;
  $("anomaly-table").tBodies[0].replaceChildren();
  $("chart-table").tBodies[0].replaceChildren();
  $("chart-table-details").hidden = true;
  $("anomaly-details").hidden = true;
  $("ar-table").tBodies[0].replaceChildren();
  $("ar-more").hidden = true;
  $("reminder-status").hidden = true;
  for (const id of Object.keys(PANEL_LOADERS)) fillError(id, "");
  resetChat();
}

// -- wiring --------------------------------------------------------------------------------

// What "Try again" in each panel's error loads.
const PANEL_LOADERS = {
  "kpi-error": () => loadKpis(),
  "chart-error": () => loadChart(),
  "ar-error": () => loadCustomers(),
  "actions-error": () => loadActions(),
};

function loadEverything() {
  loadKpis();
  loadChart();
  loadCustomers();
  loadActions();
}

function wire() {
  $("signin-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const token = cleanToken($("token-input").value);
    if (!token || token.split(".").length !== 3) {
      showSignIn("That does not look like a token: it has three parts separated by dots and starts with eyJ.", "error");
      $("token-input").focus();
      return;
    }
    signIn(token);
    $("main").focus();
  });
  $("sign-out").addEventListener("click", () => signOut());
  $("period-picker").addEventListener("change", (event) => {
    state.periodDays = Number(event.target.value);
    loadKpis();
  });
  $("horizon").addEventListener("change", (event) => {
    state.horizon = Number(event.target.value);
    changeHorizon();
  });
  $("ar-more").addEventListener("click", () => {
    state.showAllCustomers = !state.showAllCustomers;
    renderCustomers();
  });
  $("actions-refresh").addEventListener("click", () => loadActions());
  $("chat-form").addEventListener("submit", (event) => {
    event.preventDefault();
    sendChat($("chat-input").value.trim());
  });
  $("chat-input").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      sendChat($("chat-input").value.trim());
    }
  });
  for (const chip of document.querySelectorAll("#chat-suggestions .chip")) {
    chip.addEventListener("click", () => sendChat(chip.textContent.trim()));
  }
  $("chat-new").addEventListener("click", () => {
    state.sessionId = null;
    state.store.remove("chat-session");
    resetChat();
    $("chat-input").focus();
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
  // A new #token= link opened in this tab only changes the fragment: no load happens.
  window.addEventListener("hashchange", signInFromFragment);
}

/** Signs in with the token of a #token= link opened in a tab that is already open. */
function signInFromFragment() {
  if (!state.api) return; // the API address is invalid: nothing to sign in to
  const token = tokenFromFragment();
  if (!token || token === state.token) return;
  if (state.signedIn) clearSession();
  signIn(token);
}

function start() {
  wire();
  let base;
  try {
    base = resolveApiBase();
  } catch (error) {
    state.store = new TabStore("invalid");
    const message = error instanceof ConfigError ? error.message : String(error);
    showSignIn(`${message} Fix the api parameter in the address.`, "error");
    return;
  }
  state.store = new TabStore(base);
  state.api = new Api(base, { getToken: () => state.token, onUnauthorized, onAnswered });
  $("api-label").textContent = base ? `API: ${base}` : "finance-agent";
  $("openapi-link").href = `${base}/openapi.json`;
  const fromLink = tokenFromFragment();
  const token = fromLink || state.store.get("token");
  if (token) {
    signIn(token);
  } else {
    showSignIn("Sign in to see the figures: open the link finance-agent serve printed, or paste a token.");
  }
}

start();

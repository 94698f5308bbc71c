// What the page knows between events: the sign-in, the choices made, the figures on screen.
// One object every module reads and writes; nothing here touches the page.

export const state = {
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

/** Forgets the figures, as before a first sign-in, and drops answers still on their way. */
export function forgetFigures() {
  state.generation += 1;
  for (const name of Object.keys(state.loads)) state.loads[name] += 1;
  Object.assign(state, {
    chartData: { sales: [], forecast: null, anomalies: null },
    anomalyScan: null,
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
}

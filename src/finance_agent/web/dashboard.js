// The dashboard as a whole: every panel loaded, emptied and wired together. The panels
// (panels/*.js) know only themselves and the shared modules; this module knows them all.
import { fillError, panelLoaders } from "./loading.js";
import { clearActions, loadActions, wireActions } from "./panels/actions.js";
import { resetChat, wireChat } from "./panels/chat.js";
import { clearCustomers, loadCustomers, wireCustomers } from "./panels/customers.js";
import { clearChart, loadChart, wireChart } from "./panels/forecast.js";
import { clearKpis, loadKpis, wireKpis } from "./panels/kpis.js";
import { forgetFigures } from "./state.js";

// What "Try again" in each panel's error box loads (and, in this order, what reloads once
// the API answers again after a failure).
Object.assign(panelLoaders, {
  "kpi-error": () => loadKpis(),
  "chart-error": () => loadChart(),
  "ar-error": () => loadCustomers(),
  "actions-error": () => loadActions(),
});

export function loadEverything() {
  loadKpis();
  loadChart();
  loadCustomers();
  loadActions();
}

/** Empties every panel, as before a first sign-in, and drops answers still on their way. */
export function clearFigures() {
  forgetFigures();
  clearKpis();
  clearChart();
  clearCustomers();
  clearActions();
  for (const id of Object.keys(panelLoaders)) fillError(id, "");
  resetChat();
}

export function wirePanels() {
  wireKpis();
  wireChart();
  wireCustomers();
  wireActions();
  wireChat();
}

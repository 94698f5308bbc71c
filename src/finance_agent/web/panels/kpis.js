// Key figures: revenue, gross margin and receivables for the period picked, each compared
// with the period before when the stored history covers it.
import { ROUTES } from "../api.js";
import { $, h } from "../dom.js";
import { formatDate, money, percent } from "../format.js";
import { loadPanel } from "../loading.js";
import { state } from "../state.js";

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

export function loadKpis() {
  return loadPanel("kpis", {
    busy: "kpis",
    errorBox: "kpi-error",
    request: () => state.api.get(ROUTES.kpis, { period: `last_${state.periodDays}d` }),
    show: (kpis) => {
      renderKpis(kpis);
      state.shownPeriodDays = state.periodDays;
    },
    failed: restorePeriod,
  });
}

export function clearKpis() {
  for (const card of document.querySelectorAll(".kpi")) {
    const value = card.querySelector(".kpi-value");
    value.textContent = "—";
    delete value.dataset.value;
    value.classList.remove("kpi-value-long");
    card.querySelector(".kpi-change").replaceChildren();
  }
  $("kpi-period").textContent = "";
}

export function wireKpis() {
  $("period-picker").addEventListener("change", (event) => {
    state.periodDays = Number(event.target.value);
    loadKpis();
  });
}

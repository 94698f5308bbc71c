// Overdue customers: receivables per customer by days past due (AR aging), the most overdue
// first, ten at a time; each row's reminder button is panels/reminders.js's.
import { ROUTES } from "../api.js";
import { $, h } from "../dom.js";
import { money, moneyWhole } from "../format.js";
import { loadPanel } from "../loading.js";
import { state } from "../state.js";
import { clearReminderStatus, reminderCell } from "./reminders.js";

const AR_ROWS_SHOWN = 10;

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

function customerRow(c) {
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
    reminderCell(c),
  );
}

function renderCustomers() {
  const overdue = state.customers.filter((c) => pastDue(c) > 0);
  const shown = state.showAllCustomers ? overdue : overdue.slice(0, AR_ROWS_SHOWN);
  const totalOver60 = overdue.reduce((sum, c) => sum + over60(c), 0);
  $("ar-meta").textContent = overdue.length
    ? `${overdue.length} customers overdue · ${money(totalOver60)} over 60 days`
    : "No customer is overdue.";
  $("ar-table").tBodies[0].replaceChildren(...shown.map(customerRow));
  const more = $("ar-more");
  more.hidden = overdue.length <= AR_ROWS_SHOWN;
  more.textContent = state.showAllCustomers
    ? `Show the first ${AR_ROWS_SHOWN} only`
    : `Show all ${overdue.length} overdue customers`;
  more.setAttribute("aria-expanded", state.showAllCustomers ? "true" : "false");
}

export function loadCustomers() {
  return loadPanel("ar", {
    busy: "ar-table",
    errorBox: "ar-error",
    request: () => state.api.get(ROUTES.arAging),
    show: (aging) => {
      state.currency = aging.currency || state.currency;
      state.customers = [...(aging.customers || [])].sort(
        (a, b) => over60(b) - over60(a) || pastDue(b) - pastDue(a),
      );
      renderCustomers();
    },
  });
}

export function clearCustomers() {
  $("ar-meta").replaceChildren();
  $("ar-table").tBodies[0].replaceChildren();
  $("ar-more").hidden = true;
  clearReminderStatus();
}

export function wireCustomers() {
  $("ar-more").addEventListener("click", () => {
    state.showAllCustomers = !state.showAllCustomers;
    renderCustomers();
  });
}

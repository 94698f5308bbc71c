// Latest actions: the newest recorded actions (collection reminders), the one just recorded
// marked as new.
import { ROUTES } from "../api.js";
import { $, h } from "../dom.js";
import { formatDate, formatDateTime, money } from "../format.js";
import { loadPanel } from "../loading.js";
import { state } from "../state.js";

const ACTIONS_SHOWN = 10;

function humanize(name) {
  const text = String(name || "action").replace(/_/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function renderActions(items) {
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
export function loadActions() {
  return loadPanel("actions", {
    busy: "actions-list",
    errorBox: "actions-error",
    request: () => state.api.get(ROUTES.actions, { limit: ACTIONS_SHOWN }),
    show: (page) => {
      const items = page.items || [];
      renderActions(items);
      return items;
    },
  });
}

export function clearActions() {
  $("actions-list").replaceChildren();
}

export function wireActions() {
  $("actions-refresh").addEventListener("click", () => loadActions());
}

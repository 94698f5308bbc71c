// The overdue table's reminder column: the "Send reminder" button of each row, the request
// with its Idempotency-Key, and what the row and the panel say about it afterwards.
import { ApiError, ROUTES, randomKey } from "../api.js";
import { $, announce, h } from "../dom.js";
import { formatDate } from "../format.js";
import { describeError } from "../loading.js";
import { state } from "../state.js";
import { loadActions } from "./actions.js";

// Clicks on the same row within this time after a reminder went through repeat that intent
// (a double click): they reuse its Idempotency-Key, so the API replays the first answer.
const SAME_INTENT_MS = 3000;

function statusNote(status) {
  return h("span", { class: `row-status row-status-${status.kind}`, text: status.text });
}

/** The row's last cell: its button, and what happened to its last reminder. */
export function reminderCell(customer) {
  const status = state.rowStatus.get(customer.customer_id);
  const button = h("button", {
    type: "button",
    class: "button button-small",
    text: "Send reminder",
    "aria-label": `Send a payment reminder to ${customer.customer_name}`,
    "data-customer": customer.customer_id,
  });
  if (state.sending.has(customer.customer_id)) {
    button.setAttribute("aria-disabled", "true");
    button.textContent = "Sending…";
  }
  button.addEventListener("click", () => sendReminder(customer, button));
  const cell = h("td", { class: "action-cell", role: "cell" }, button);
  if (status) cell.append(statusNote(status));
  return cell;
}

/** Shows the row's state again: its button ready, and its status note. */
export function renderCustomerRow(id) {
  const row = document.querySelector(`#ar-table tr[data-customer="${CSS.escape(id)}"]`);
  if (!row) return;
  const button = row.querySelector("button");
  const hadFocus = document.activeElement === button;
  button.removeAttribute("aria-disabled");
  button.textContent = "Send reminder";
  const cell = row.querySelector(".action-cell");
  cell.querySelector(".row-status")?.remove();
  const status = state.rowStatus.get(id);
  if (status) cell.append(statusNote(status));
  if (hadFocus) button.focus();
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

export function clearReminderStatus() {
  $("reminder-status").hidden = true;
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

// Ask the agent: the conversation, its session kept in this tab, and a reminder the agent
// recorded shown in the other panels as the row's own button would.
import { ROUTES, randomKey } from "../api.js";
import { $, h } from "../dom.js";
import { describeError } from "../loading.js";
import { state } from "../state.js";
import { loadActions, renderActions } from "./actions.js";
import { renderCustomerRow } from "./reminders.js";

// A model may take a while to answer: the chat waits longer than the figures do.
const CHAT_TIMEOUT_MS = 60_000;
// What a screen reader says before each bubble: an error is not the agent speaking.
const BUBBLE_WHO = { user: "You said:", agent: "Agent:", error: "Not answered:" };

export function resetChat() {
  const log = $("chat-log");
  log.replaceChildren(
    h("p", {
      class: "chat-empty",
      id: "chat-empty",
      text: "Ask about revenue, margins, who owes what, the cash-flow outlook or unusual days.",
    }),
  );
}

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

/** Who answered and with which tools, under the agent's bubble. */
function answerMeta(data, tools) {
  return h(
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
    const meta = answerMeta(data, tools);
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

export function wireChat() {
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
}

// How a panel loads: the latest request wins, a failure shows in the panel's error box with
// "Try again", and once the API answers again the panels still in error load once more.
import { ApiError } from "./api.js";
import { $, h, setBusy } from "./dom.js";
import { state } from "./state.js";

/**
 * What "Try again" in each panel's error box loads, by the box's id. Filled by dashboard.js,
 * which knows every panel, so that the panels can import this module without a cycle.
 */
export const panelLoaders = {};

/** Runs ``load`` as the latest request of ``name``; an older answer arriving late is dropped. */
export async function latest(name, load) {
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

/**
 * Loads one panel: ``busy`` (an element id) is marked busy meanwhile, the latest answer of
 * ``name`` goes to ``show`` and the panel's ``errorBox`` is emptied, or a failure is written
 * there after ``failed()``'s lead (a 401 is the sign-in's to tell). Resolves to what
 * ``show`` returned, undefined when not loaded.
 */
export async function loadPanel(name, { busy, errorBox, request, show, failed = () => "" }) {
  setBusy(busy, true);
  try {
    const answer = await latest(name, request);
    if (answer === undefined) return undefined;
    const shown = show(answer.data);
    showError(errorBox, null);
    return shown;
  } catch (error) {
    if (error.status !== 401) showError(errorBox, error, failed());
    return undefined;
  } finally {
    setBusy(busy, false);
  }
}

export function describeError(error) {
  if (error instanceof ApiError) {
    if (error.status === 0) return `${error.message} Check that the server is running.`;
    if (error.status === 404 && error.code !== "not_found") return "This API does not offer it.";
    const text = error.message.charAt(0).toUpperCase() + error.message.slice(1);
    // The id lets the user quote the failure to whoever reads the server's logs.
    return error.requestId ? `${text.replace(/[.\s]+$/, "")} (request id ${error.requestId}).` : text;
  }
  return String(error?.message || error);
}

/** The panel's error box; ``lead`` says what could not be loaded when it is not obvious. */
function showError(id, error, lead = "") {
  if (error) noteFailure(error);
  fillError(id, error ? [lead, describeError(error)].filter(Boolean).join(" ") : "");
}

/** Writes ``text`` in a panel's error box with a "Try again" button, or hides it. */
export function fillError(id, text) {
  const box = $(id);
  box.hidden = !text;
  if (!text) {
    box.replaceChildren();
    state.autoRetried.delete(id);
    return;
  }
  const retry = h("button", { type: "button", class: "button button-small retry", text: "Try again" });
  retry.addEventListener("click", () => panelLoaders[id]());
  box.replaceChildren(h("span", { class: "error-text", text }), " ", retry);
}

export function noteFailure(error) {
  if (error instanceof ApiError && (error.status === 0 || error.status >= 500)) {
    state.apiFailing = true;
  }
}

/** The API answered: after a failure, the panels still in error are loaded again, once. */
export function onAnswered() {
  if (!state.apiFailing) return;
  state.apiFailing = false;
  // After this answer has been handled, not in the middle of it.
  window.setTimeout(() => {
    for (const [id, load] of Object.entries(panelLoaders)) {
      if (!state.signedIn || $(id).hidden || state.autoRetried.has(id)) continue;
      state.autoRetried.add(id);
      load();
    }
  });
}

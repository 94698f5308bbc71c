// Signing in and out: the token from a #token= link, the sign-in form or this tab's storage;
// the sign-in screen; what happens when the API stops accepting the token.
import { cleanToken, tokenClaims } from "./api.js";
import { clearFigures, loadEverything } from "./dashboard.js";
import { $, announce } from "./dom.js";
import { formatDateTime } from "./format.js";
import { state } from "./state.js";

/** The token of a #token= link, taken out of the address bar; null when there is none. */
export function tokenFromFragment() {
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

export function showSignIn(message, kind = "info") {
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

/** The API refused the token (401): back to the sign-in screen, saying why. */
export function onUnauthorized(error) {
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

export function signIn(token) {
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

/** Signs in with the token of a #token= link opened in a tab that is already open. */
function signInFromFragment() {
  if (!state.api) return; // the API address is invalid: nothing to sign in to
  const token = tokenFromFragment();
  if (!token || token === state.token) return;
  if (state.signedIn) clearSession();
  signIn(token);
}

export function wireSession() {
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
  // A new #token= link opened in this tab only changes the fragment: no load happens.
  window.addEventListener("hashchange", signInFromFragment);
}

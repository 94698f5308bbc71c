// The finance overview: KPIs, sales chart, overdue customers, actions and the chat.
// Calls only the public API routes, with the token from the URL fragment or the sign-in form.
//
// The page's entry module: it wires every control, finds the API and signs in. The modules it
// loads, from the top: session.js (signing in and out), dashboard.js (every panel together),
// panels/*.js (one per panel), then the shared api.js, chart.js, loading.js, format.js,
// dom.js and state.js.
import { Api, ConfigError, TabStore, resolveApiBase } from "./api.js";
import { wirePanels } from "./dashboard.js";
import { $ } from "./dom.js";
import { onAnswered } from "./loading.js";
import { onUnauthorized, showSignIn, signIn, tokenFromFragment, wireSession } from "./session.js";
import { state } from "./state.js";

function start() {
  wireSession();
  wirePanels();
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

// The finance-agent API as the page sees it: base URL, routes, token storage and JSON requests.
import { API_BASE } from "./config.js";

const STORAGE_PREFIX = "finance-agent:";

// The public routes the page calls.
export const ROUTES = {
  kpis: "/agent/tools/kpis",
  cashflow: "/agent/tools/cashflow",
  anomalies: "/agent/tools/anomalies",
  sales: "/agent/tools/sales",
  arAging: "/agent/tools/ar-aging",
  reminder: "/agent/actions/collection-reminder",
  actions: "/agent/actions",
  chat: "/agent/chat",
};
export const HISTORY_DAYS = 365; // the API's maximum: the whole stored history

export class ApiError extends Error {
  constructor(status, code, message, details = []) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export class ConfigError extends Error {}

/** The API base URL without a trailing slash; "" means the page's own origin. */
export function resolveApiBase(location = window.location) {
  const fromQuery = new URLSearchParams(location.search).get("api");
  const fromPage = document.documentElement.dataset.apiBase;
  const configured = (fromQuery ?? fromPage ?? API_BASE ?? "").trim();
  if (!configured) {
    return "";
  }
  let url;
  try {
    url = new URL(configured, location.href);
  } catch {
    throw new ConfigError(`The API address "${configured}" is not a URL.`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigError(`The API address must start with https:// or http://.`);
  }
  url.search = "";
  url.hash = "";
  const base = url.href.replace(/\/+$/, "");
  return base === location.origin ? "" : base;
}

/**
 * Values kept in this tab's session storage, per API: a token signed in against one API is
 * never sent to another one named by a later ?api= parameter.
 */
export class TabStore {
  constructor(apiBase, origin = window.location.origin) {
    this.scope = apiBase || origin;
  }

  key(name) {
    return `${STORAGE_PREFIX}${name}:${this.scope}`;
  }

  get(name) {
    try {
      return window.sessionStorage.getItem(this.key(name));
    } catch {
      return null; // storage disabled: the page still works for this load
    }
  }

  set(name, value) {
    try {
      window.sessionStorage.setItem(this.key(name), value);
    } catch {
      /* storage disabled */
    }
  }

  remove(name) {
    try {
      window.sessionStorage.removeItem(this.key(name));
    } catch {
      /* storage disabled */
    }
  }
}

/** The claims of a JWT, for display only (the API verifies the token). */
export function tokenClaims(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const padded = part + "=".repeat((4 - (part.length % 4)) % 4);
    const bytes = Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes));
    return claims && typeof claims === "object" ? claims : {};
  } catch {
    return {};
  }
}

/** A token out of what a person pasted: the token, "Bearer <token>" or the printed link. */
export function cleanToken(text) {
  let value = (text || "").trim();
  const inLink = value.match(/[#&]token=([^&\s]+)/);
  if (inLink) {
    value = decodeURIComponent(inLink[1]);
  }
  value = value.replace(/^bearer\s+/i, "").trim();
  return value;
}

/** Random hex, also where crypto.randomUUID is missing (a page served over plain http). */
export function randomKey() {
  const bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// A server that stops answering (a paused process, a lost connection) must not leave the
// page waiting forever: every request gives up after this long.
export const REQUEST_TIMEOUT_MS = 15_000;

/** fetch() that gives up after ``timeoutMs``, reading the whole body within that time. */
async function fetchText(url, init, timeoutMs) {
  const controller = new AbortController();
  const timer = window.setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(url, { ...init, signal: controller.signal });
    return { response, text: await response.text() };
  } finally {
    window.clearTimeout(timer);
  }
}

export class Api {
  constructor(base, { getToken, onUnauthorized, onAnswered = () => {} }) {
    this.base = base;
    this.getToken = getToken;
    this.onUnauthorized = onUnauthorized;
    this.onAnswered = onAnswered; // told of every successful answer: the API is reachable
    this.openapiPromise = null;
  }

  get label() {
    return this.base || window.location.origin;
  }

  url(path, params) {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(params || {})) {
      if (value !== undefined && value !== null && value !== "") {
        query.set(name, String(value));
      }
    }
    const text = query.toString();
    return `${this.base}${path}${text ? `?${text}` : ""}`;
  }

  async request(method, path, { params, body, headers, timeoutMs = REQUEST_TIMEOUT_MS } = {}) {
    const token = this.getToken();
    if (!token) {
      const error = new ApiError(401, "unauthorized", "a bearer token is required");
      this.onUnauthorized(error);
      throw error;
    }
    const sent = { Accept: "application/json", Authorization: `Bearer ${token}`, ...headers };
    if (body !== undefined) {
      sent["Content-Type"] = "application/json";
    }
    let response;
    let text;
    try {
      ({ response, text } = await fetchText(
        this.url(path, params),
        {
          method,
          headers: sent,
          body: body === undefined ? undefined : JSON.stringify(body),
          cache: "no-store",
          credentials: "omit",
          referrerPolicy: "no-referrer",
        },
        timeoutMs,
      ));
    } catch {
      // Down, unreachable or too slow: to the user it is the same, the API did not answer.
      throw new ApiError(0, "network", `Cannot reach the API at ${this.label}.`);
    }
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      data = null;
    }
    if (!response.ok) {
      const message =
        data && typeof data.message === "string"
          ? data.message
          : `The API answered ${response.status} ${response.statusText}`.trim();
      const code = data && typeof data.error === "string" ? data.error : `http_${response.status}`;
      const error = new ApiError(response.status, code, message, data?.details || []);
      if (response.status >= 500) {
        error.requestId = data?.request_id || response.headers.get("x-request-id") || null;
      }
      if (response.status === 401) {
        this.onUnauthorized(error);
      }
      throw error;
    }
    this.onAnswered();
    return { status: response.status, data, headers: response.headers };
  }

  get(path, params) {
    return this.request("GET", path, { params });
  }

  /** The API's OpenAPI document, or null when it does not publish one. Fetched once. */
  openapi() {
    if (!this.openapiPromise) {
      this.openapiPromise = fetchText(
        `${this.base}/openapi.json`,
        { headers: { Accept: "application/json" }, credentials: "omit", referrerPolicy: "no-referrer" },
        REQUEST_TIMEOUT_MS,
      )
        .then(({ response, text }) => (response.ok ? JSON.parse(text) : null))
        .catch(() => {
          this.openapiPromise = null; // not answered: ask again next time
          return null;
        });
    }
    return this.openapiPromise;
  }

  /** True when the document lists the query parameter ``name`` (accepting ``value``). */
  async supportsParameter(path, name, value) {
    const document = await this.openapi();
    const operation = document?.paths?.[path]?.get;
    const parameter = (operation?.parameters || []).find(
      (p) => p && p.in === "query" && p.name === name,
    );
    if (!parameter) {
      return false;
    }
    const values = allowedValues(document, parameter.schema);
    return values === null || values.includes(value);
  }
}

/** The enum a parameter schema allows (following local $refs), or null when open. */
function allowedValues(document, schema, depth = 0) {
  if (!schema || typeof schema !== "object" || depth > 5) {
    return null;
  }
  if (typeof schema.$ref === "string" && schema.$ref.startsWith("#/")) {
    let target = document;
    for (const part of schema.$ref.slice(2).split("/")) {
      target = target?.[part];
    }
    return allowedValues(document, target, depth + 1);
  }
  if (Array.isArray(schema.enum)) {
    return schema.enum;
  }
  if (schema.const !== undefined) {
    return [schema.const];
  }
  for (const key of ["anyOf", "oneOf"]) {
    if (Array.isArray(schema[key])) {
      const all = [];
      for (const item of schema[key]) {
        const values = allowedValues(document, item, depth + 1);
        if (values === null) {
          return null;
        }
        all.push(...values);
      }
      return all;
    }
  }
  return null;
}

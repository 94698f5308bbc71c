// Money, percentages and dates as the reader's browser writes them, in the API's currency.
import { state } from "./state.js";

function numberFormat(options) {
  try {
    return new Intl.NumberFormat(undefined, options);
  } catch {
    return new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
  }
}

export function money(value) {
  if (typeof value !== "number" || !Number.isFinite(value)) return "—";
  return numberFormat({ style: "currency", currency: state.currency }).format(value);
}

export function moneyWhole(value) {
  if (typeof value !== "number" || !Number.isFinite(value)) return "—";
  return numberFormat({
    style: "currency",
    currency: state.currency,
    minimumFractionDigits: 0,
    maximumFractionDigits: 0,
  }).format(value);
}

/** "$12.5K"; ``digits`` decimals at most on the compact figure (none below 1,000). */
export function moneyShort(value, digits = 1) {
  return numberFormat({
    style: "currency",
    currency: state.currency,
    notation: "compact",
    maximumFractionDigits: Math.abs(value) >= 1000 ? digits : 0,
  }).format(value);
}

export function percent(ratio, digits = 1) {
  return numberFormat({
    style: "percent",
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(ratio);
}

export function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function localDate(iso) {
  const [y, m, d] = String(iso).slice(0, 10).split("-").map(Number);
  return new Date(y, m - 1, d, 12);
}

export function formatDate(iso, options = { month: "short", day: "numeric", year: "numeric" }) {
  if (!iso) return "";
  return localDate(iso).toLocaleDateString(undefined, options);
}

/** A date with its weekday, as the tables of days write it. */
export function formatDay(iso) {
  return formatDate(iso, { weekday: "short", month: "short", day: "numeric", year: "numeric" });
}

export function monthLabel(iso, months) {
  const date = localDate(iso);
  if (!months) return date.toLocaleDateString(undefined, { month: "short", day: "numeric" });
  const options = date.getMonth() === 0 ? { month: "short", year: "numeric" } : { month: "short" };
  return date.toLocaleDateString(undefined, options);
}

export function formatDateTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

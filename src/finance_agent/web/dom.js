// Small DOM helpers every panel uses: find by id, build elements, announce, mark busy.

export const $ = (id) => document.getElementById(id);

/** An element with ``attributes`` (class, text, data-*, aria-*, role, properties) and children. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") element.className = value;
    else if (key === "text") element.textContent = value;
    else if (key.startsWith("data-") || key.startsWith("aria-") || key === "role") {
      element.setAttribute(key, String(value));
    } else element[key] = value;
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

export function announce(text) {
  const region = $("announcer");
  region.textContent = "";
  // A fresh text node in a later frame, so the same message is announced again.
  window.requestAnimationFrame(() => {
    region.textContent = text;
  });
}

export function setBusy(id, busy) {
  $(id).setAttribute("aria-busy", busy ? "true" : "false");
}

// Clicks and typing become `ui.click` / `ui.input` breadcrumbs naming the element as
// @sentry/browser does (`body > div#main.page > button#buy[type="submit"]`, or the
// `data-sentry-component` / `data-sentry-element` annotation, also in `data['ui.component_name']`).
// The typed value and the value attribute are never read. Like Sentry, a repeat of the same kind
// of event on the same element is one breadcrumb until one second passes without such events.
import { globalObject, get } from '../util.js';

const ATTRS = ['aria-label', 'type', 'name', 'title', 'alt'];

const annotation = (node) => { const data = node.dataset; return data && (data.sentryComponent || data.sentryElement); };

function describeNode(node) {
  if (!node || !node.tagName) return '';
  const annotated = annotation(node);
  if (annotated) return annotated;
  let description = node.tagName.toLowerCase();
  if (node.id) description += '#' + node.id;
  const classes = node.className;
  if (classes && typeof classes == 'string') for (const k of classes.split(/\s+/)) description += '.' + k;
  for (const className of ATTRS) {
    const v = node.getAttribute(className);
    if (v) description += `[${className}="${v}"]`;
  }
  return description;
}

/** The element and up to 4 ancestors below <html>, within 80 characters (the element always). */
export function selector(element) {
  try {
    const out = [];
    let len = 0;
    for (let node = element, depth = 0; node && depth++ < 5; node = node.parentNode) {
      const part = describeNode(node);
      if (part == 'html' || (depth > 1 && len + out.length * 3 + part.length >= 80)) break;
      out.unshift(part);
      len += part.length;
    }
    return out.join(' > ');
  } catch {
    return '<unknown>';
  }
}

function component(element) {
  try {
    for (let node = element, i = 0; node && i < 5; node = node.parentNode, i++) { const annotated = annotation(node); if (annotated) return annotated; }
  } catch {}
}

export function install(hub, enabled) {
  const doc = globalObject.document;
  if (!enabled('dom') || !doc) return;
  let type, target, lastAt = -Infinity;
  const handle = (event) => {
    const node = get(event, 'target');
    if (!node) return;  // an unreadable target (a throwing getter) names nothing
    // Sentry restarts a one-second timer at every event; comparing the events' own times keeps that
    // rule when the page is too busy to run the timer or the handler on time (a timer that fires
    // late would fold the next burst of typing into the last one's breadcrumb).
    const stamp = get(event, 'timeStamp'), at = typeof stamp == 'number' ? stamp : Date.now();
    const same = event.type == type && node == target && Math.abs(at - lastAt) < 1000;
    lastAt = at;
    if (same) return;
    type = event.type;
    target = node;
    const message = selector(node), name = component(node);
    // (only click and input are listened to: ui.click, ui.input)
    if (message) hub.crumb({ category: 'ui.' + event.type, message, ...(name && { data: { 'ui.component_name': name } }) }, { event, name: event.type });
  };
  hub.on(doc, 'click', handle, true);
  hub.on(doc, 'input', handle, true);
}

// Clicks and typing become `ui.click` / `ui.input` breadcrumbs naming the element as
// @sentry/browser does (`body > div#main.page > button#buy[type="submit"]`, or the
// `data-sentry-component` / `data-sentry-element` annotation, also in `data['ui.component_name']`).
// The typed value and the value attribute are never read. Like Sentry, a repeat of the same kind
// of event on the same element is one breadcrumb until one second passes without such events.
import { globalObject, get, later, cancel } from '../util.js';

const ATTRS = ['aria-label', 'type', 'name', 'title', 'alt'];

const annotation = (node) => { const data = node.dataset; return data && (data.sentryComponent || data.sentryElement); };

function describeNode(node) {
  if (!node || !node.tagName) return '';
  const annotated = annotation(node);
  if (annotated) return annotated;
  let s = node.tagName.toLowerCase();
  if (node.id) s += '#' + node.id;
  const classes = node.className;
  if (classes && typeof classes == 'string') for (const k of classes.split(/\s+/)) s += '.' + k;
  for (const k of ATTRS) {
    const v = node.getAttribute(k);
    if (v) s += `[${k}="${v}"]`;
  }
  return s;
}

/** The element and up to 4 ancestors below <html>, within 80 characters (the element always). */
export function selector(el) {
  try {
    const out = [];
    let len = 0;
    for (let node = el, depth = 0; node && depth++ < 5; node = node.parentNode) {
      const s = describeNode(node);
      if (s == 'html' || (depth > 1 && len + out.length * 3 + s.length >= 80)) break;
      out.unshift(s);
      len += s.length;
    }
    return out.join(' > ');
  } catch {
    return '<unknown>';
  }
}

function component(el) {
  try {
    for (let node = el, i = 0; node && i < 5; node = node.parentNode, i++) { const a = annotation(node); if (a) return a; }
  } catch {}
}

export function install(hub, on) {
  const doc = globalObject.document;
  if (!on('dom') || !doc) return;
  let type, target, timer;
  const handle = (e) => {
    const t = get(e, 'target');
    if (!t) return;  // an unreadable target (a throwing getter) names nothing
    const same = e.type == type && t == target;
    cancel(timer);
    timer = later(() => { type = target = 0; }, 1000);
    if (same) return;
    type = e.type;
    target = t;
    const message = selector(t), name = component(t);
    // (only click and input are listened to: ui.click, ui.input)
    if (message) hub.crumb({ category: 'ui.' + e.type, message, ...(name && { data: { 'ui.component_name': name } }) }, { event: e, name: e.type });
  };
  hub.on(doc, 'click', handle, true);
  hub.on(doc, 'input', handle, true);
}

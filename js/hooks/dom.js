// Clicks and typing become `ui.click` / `ui.input` breadcrumbs naming the element as
// @sentry/browser does (`body > div#main.page > button#buy[type="submit"]`, or the
// `data-sentry-component` / `data-sentry-element` annotation, also in `data['ui.component_name']`).
// The typed value and the value attribute are never read. Like Sentry, a repeat of the same kind
// of event on the same element is one breadcrumb until one second passes without such events.
import { G, get, later, cancel } from '../util.js';

const ATTRS = ['aria-label', 'type', 'name', 'title', 'alt'];

const ann = (n) => { const d = n.dataset; return d && (d.sentryComponent || d.sentryElement); };

function one(n) {
  if (!n || !n.tagName) return '';
  const a = ann(n);
  if (a) return a;
  let s = n.tagName.toLowerCase();
  if (n.id) s += '#' + n.id;
  const c = n.className;
  if (c && typeof c == 'string') for (const k of c.split(/\s+/)) s += '.' + k;
  for (const k of ATTRS) {
    const v = n.getAttribute(k);
    if (v) s += `[${k}="${v}"]`;
  }
  return s;
}

/** The element and up to 4 ancestors below <html>, within 80 characters (the element always). */
export function selector(el) {
  try {
    const out = [];
    let len = 0;
    for (let n = el, h = 0; n && h++ < 5; n = n.parentNode) {
      const s = one(n);
      if (s == 'html' || (h > 1 && len + out.length * 3 + s.length >= 80)) break;
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
    for (let n = el, i = 0; n && i < 5; n = n.parentNode, i++) { const a = ann(n); if (a) return a; }
  } catch {}
}

export function install(c, on) {
  const d = G.document;
  if (!on('dom') || !d) return;
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
    if (message) c.crumb({ category: 'ui.' + e.type, message, ...(name && { data: { 'ui.component_name': name } }) }, { event: e, name: e.type });
  };
  c.on(d, 'click', handle, true);
  c.on(d, 'input', handle, true);
}

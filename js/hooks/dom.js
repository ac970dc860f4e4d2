// Clicks and typing become `ui.click` / `ui.input` breadcrumbs naming the element with a readable
// CSS-like selector (`form.login > input#email[name="email"][type="email"]`). The typed value and
// the value attribute are never read. Typing into one field gives one breadcrumb per burst.
import { G, cut } from '../util.js';

const ATTRS = ['name', 'type', 'title', 'alt', 'aria-label'];

function selector(el) {
  const parts = [];
  let len = 0;
  for (let n = el, i = 0; n && n.nodeType == 1 && i < 5; n = n.parentNode, i++) {
    let s = n.localName;
    if (s == 'html' || s == 'body') break;
    if (n.id) s += '#' + n.id;
    for (const k of [...n.classList].slice(0, 3)) s += '.' + k;
    for (const a of ATTRS) {
      const v = n.getAttribute(a);
      if (v) s += `[${a}="${cut(v, 40)}"]`;
    }
    if (parts.length && len + s.length > 120) break;
    len += s.length + 3;
    parts.unshift(s);
  }
  return parts.join(' > ') || '<unknown>';
}

export function install(c, on) {
  const d = G.document;
  if (!on('dom') || !d) return;
  let last, t = 0;
  c.on(d, 'click', (e) => c.crumb({ category: 'ui.click', message: selector(e.target) }, { event: e }), true);
  c.on(d, 'input', (e) => {
    const now = Date.now();
    const same = e.target == last && now - t < 1000;
    last = e.target;
    t = now;
    if (!same) c.crumb({ category: 'ui.input', message: selector(e.target) }, { event: e });
  }, true);
}

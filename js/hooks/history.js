// History API navigation (pushState, replaceState, popstate) becomes `navigation` breadcrumbs
// with `from` and `to`; every navigation starts a new trace.
import { globalObject } from '../util.js';

export function install(hub, enabled) {
  const history = globalObject.history, loc = globalObject.location;
  if (!enabled('history') || !history || !loc) return;
  const rel = (u) => (u.startsWith(loc.origin + '/') ? u.slice(loc.origin.length) : u);
  let from = loc.href;
  const nav = () => {
    const to = loc.href;
    if (to == from) return;
    hub.crumb({ category: 'navigation', data: { from: rel(from), to: rel(to) } });
    from = to;
    hub.newTrace();  // (the lazy client also starts a new session here: session.js)
  };
  for (const method of ['pushState', 'replaceState']) {
    hub.wrap(history, method, (orig) => function () {
      const result = orig.apply(this, arguments);
      hub.stopped_ || hub.safe(nav);
      return result;
    });
  }
  hub.on(globalObject, 'popstate', nav);
}

// History API navigation (pushState, replaceState, popstate) becomes `navigation` breadcrumbs
// with `from` and `to`; every navigation starts a new trace.
import { G } from '../util.js';

export function install(c, on) {
  const h = G.history, loc = G.location;
  if (!on('history') || !h || !loc) return;
  const rel = (u) => (u.startsWith(loc.origin + '/') ? u.slice(loc.origin.length) : u);
  let from = loc.href;
  const nav = () => {
    const to = loc.href;
    if (to == from) return;
    c.crumb({ category: 'navigation', data: { from: rel(from), to: rel(to) } });
    from = to;
    c.newTrace();  // (the lazy client also starts a new session here: session.js)
  };
  for (const m of ['pushState', 'replaceState']) {
    c.wrap(h, m, (orig) => function () {
      const r = orig.apply(this, arguments);
      c.off || c.safe(nav);
      return r;
    });
  }
  c.on(G, 'popstate', nav);
}

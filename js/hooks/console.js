// console.* calls become `console` breadcrumbs (logged objects are described from their own data
// properties: the page's getters are named, never called); the original method is then called with the same
// `this` and arguments and its result returned, so the console behaves exactly as before.
import { G, str, cut } from '../util.js';

const LEVEL = { debug: 'debug', info: 'info', warn: 'warning', error: 'error', log: 'info', assert: 'error' };

export function install(c, on) {
  const con = G.console;
  if (!on('console') || !con) return;
  for (const m in LEVEL) {
    c.wrap(con, m, (orig) => function () {
      try {
        let a = [...arguments];
        if (m != 'assert' || !a[0]) {
          if (m == 'assert') a = ['Assertion failed:', ...a.slice(1)];
          c.crumb({ category: 'console', level: LEVEL[m], message: cut(a.map((x) => str(x, 1)).join(' '), 2000), data: { logger: 'console' } },
            { input: arguments, level: m });
        }
      } catch (e) {
        c.fail(e);
      }
      return orig.apply(this, arguments);
    });
  }
}

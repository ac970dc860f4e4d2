// console.* calls become `console` breadcrumbs as @sentry/browser records them: the message is the
// arguments joined as String() shows them, `data.arguments` the arguments, the level the method's
// (`warn` -> `warning`, `log`/`trace`/`assert` -> `log`). No page code runs: objects are shown by
// their tag (`[object Object]`) and Errors as "Name: message", never through their own toString,
// and `data.arguments` is a snapshot of their own data properties (a getter is named `[Getter]`,
// not called), three levels deep as Sentry normalizes breadcrumb data.
// A console.assert whose condition is false becomes "Assertion failed: ..."; a passing one
// records nothing. The original method is then called with the same `this` and arguments and its
// result returned, so the console behaves exactly as before.
import { globalObject, get, jsonSafe, isError, tagOf } from '../util.js';

const LEVEL = { debug: 'debug', info: 'info', warn: 'warning', error: 'error', log: 'log', assert: 'log', trace: 'log' };

const one = (v) => (v && (typeof v == 'object' || typeof v == 'function') ? (isError(v) ? `${get(v, 'name')}: ${get(v, 'message')}` : tagOf(v)) : String(v));
const join = (a) => a.map((v) => { try { return one(v); } catch { return '[value cannot be serialized]'; } }).join(' ');

export function install(hub, enabled) {
  const con = globalObject.console;
  const crumbs = enabled('console'), lazy = hub.options_._lazy;
  if (!(crumbs || (lazy && lazy.CaptureConsole)) || !con) return;
  for (const method of Object.keys(LEVEL)) {
    // captureConsoleIntegration's message carries the stack of the app's call, taken here in the
    // wrapper's own body: its top frame is this one, the next the app's (integrations.js callerStack).
    hub.wrap(con, method, (orig) => ({ __faultline_api__() {
      const call = hub.captureConsole_ && new Error();
      hub.safe(() => {
        let args = [...arguments], message = join(args);
        if (method == 'assert') {
          args = args.slice(1);
          message = arguments[0] === false ? `Assertion failed: ${join(args) || 'console.assert'}` : 0;
        }
        if (message !== 0 && crumbs) hub.crumb({ category: 'console', data: { arguments: args.map((x) => jsonSafe(x, 1, [], 1)), logger: 'console' }, level: LEVEL[method], message }, { input: [...arguments], level: method });
        if (hub.captureConsole_ && !hub.stopped_) hub.captureConsole_(method, arguments, call);  // captureConsoleIntegration (integrations.js)
      });
      return orig.apply(this, arguments);
    } }).__faultline_api__);
  }
}

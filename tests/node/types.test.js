// The TypeScript declarations (js/index.d.ts) take an app typed for @sentry/browser 11: its
// options (tracing/replay options accepted, initialScope), the types it imports (ErrorEvent,
// BrowserOptions, Event, EventHint, Breadcrumb, Integration, Scope, Span…), getClient<T>(), the
// event processor, session, span and logs APIs, and ids as strings; and they still reject wrong
// types (the fixture's @ts-expect-error lines). tsc --strict --noEmit, TypeScript from devDependencies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

test('an app typed for @sentry/browser 11 compiles against Faultline\'s declarations under --strict, and wrong types are still errors', () => {
  const r = spawnSync(process.execPath, [tsc, '-p', 'tests/types/tsconfig.json'], { cwd: root, encoding: 'utf8', timeout: 120000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

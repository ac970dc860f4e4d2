// Starts the demo backend as a child process (node --import instrument.mjs server.mjs) and
// resolves with its URL once it listens. Used by tests and the screenshot script.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export function startDemoBackend({ dsn, port = 0, timeoutMs = 20000 }) {
  const child = spawn(process.execPath, ['--import', path.join(here, 'instrument.mjs'), path.join(here, 'server.mjs'), '--port', String(port)], {
    env: { ...process.env, FAULTLINE_DEMO_DSN: dsn }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`demo backend did not start within ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`demo backend exited (${code}): ${stderr}`));
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({
          url: match[1],
          child,
          stop: () => new Promise((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 3000).unref();
          }),
        });
      }
    });
  });
}

// A loopback collector that also serves the SDK (js/, esm/, dist/) and the SDK test pages at /demo/.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCollector } from '../../../demo/collector/server.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export async function startSdkSite() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-site-'));
  fs.mkdirSync(path.join(root, 'demo'));
  fs.symlinkSync(path.join(repo, 'tests/browser/pages'), path.join(root, 'demo/page'));
  fs.symlinkSync(path.join(repo, 'js'), path.join(root, 'js'));
  fs.symlinkSync(path.join(repo, 'esm'), path.join(root, 'esm'));
  fs.symlinkSync(path.join(repo, 'dist'), path.join(root, 'dist'));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-site-data-'));
  const collector = await startCollector({ port: 0, dataDir, staticRoot: root, projects: { 1: { publicKey: '7e57c0de7e57c0de7e57c0de7e57c0de' } }, control: true });
  const api = {
    collector,
    url: collector.url,
    events: async () => (await (await fetch(collector.url + '/api/events?limit=1000')).json()).map((e) => e.event),
    stats: async () => (await fetch(collector.url + '/__stats')).json(),
    fault: (f) => fetch(collector.url + '/__faults', { method: 'POST', body: JSON.stringify(f) }),
    reset: async () => {
      await api.fault({ mode: 'none' });
      await fetch(collector.url + '/__data', { method: 'DELETE' });
    },
    async close() {
      await collector.close();
      fs.rmSync(root, { recursive: true, force: true });
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return api;
}

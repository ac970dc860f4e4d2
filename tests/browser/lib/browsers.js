// Launchers for the real engines installed from Debian. A browser that cannot start fails the
// test with a clear message; nothing is skipped silently.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--enable-precise-memory-info', '--js-flags=--expose-gc'];

function need(path, pkg) {
  if (!fs.existsSync(path)) throw new Error(`${path} is missing: install the Debian package '${pkg}' (scripts/toolchain.sh does)`);
}

/**
 * Runs `content` in the page as a classic inline script, as a <script> element the page adds:
 * an error it throws reaches the page's error handlers (window.onerror), not the caller.
 */
const addScript = (page, content) => page.evaluate((c) => {
  const s = document.createElement('script');
  s.textContent = c;
  document.head.append(s);
}, content);

/**
 * Chromium via playwright-core. Returns { name, newPage(), close() }; a page has goto, click,
 * type (key by key), addScript, evaluate, waitFor, close, pageErrors (the page's uncaught errors)
 * and raw (the Playwright page).
 */
export async function launchChromium() {
  need('/usr/bin/chromium', 'chromium');
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: 60000 });
  return {
    name: 'chromium',
    browser,
    async newPage() {
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      const pageErrors = [];
      page.on('pageerror', (e) => pageErrors.push(String(e && e.message)));
      return {
        raw: page,
        pageErrors,
        goto: (url) => page.goto(url, { timeout: 30000 }),
        click: (sel) => page.click(sel),
        type: (sel, text) => page.locator(sel).pressSequentially(text, { delay: 1 }),
        addScript: (content) => addScript(page, content),
        evaluate: (fn, arg) => page.evaluate(fn, arg),
        waitFor: (fn, arg, timeout = 20000) => page.waitForFunction(fn, arg, { timeout, polling: 50 }),
        close: () => ctx.close(),
      };
    },
    close: () => browser.close(),
  };
}

/** Firefox ESR via puppeteer-core over WebDriver BiDi. */
export async function launchFirefox() {
  need('/usr/bin/firefox-esr', 'firefox-esr');
  const puppeteer = (await import('puppeteer-core')).default;
  const browser = await puppeteer.launch({ browser: 'firefox', executablePath: '/usr/bin/firefox-esr', headless: true, timeout: 60000,
    extraPrefsFirefox: { 'network.proxy.type': 0, 'app.update.enabled': false, 'datareporting.policy.dataSubmissionEnabled': false } });
  return {
    name: 'firefox',
    browser,
    async newPage() {
      const page = await browser.newPage();
      const pageErrors = [];
      page.on('pageerror', (e) => pageErrors.push(String(e && e.message)));
      return {
        raw: page,
        pageErrors,
        goto: (url) => page.goto(url, { timeout: 30000 }),
        click: (sel) => page.click(sel),
        type: (sel, text) => page.type(sel, text, { delay: 1 }),
        addScript: (content) => addScript(page, content),
        evaluate: (fn, arg) => page.evaluate(fn, arg),
        waitFor: (fn, arg, timeout = 20000) => page.waitForFunction(fn, { timeout, polling: 50 }, arg),
        close: () => page.close(),
      };
    },
    close: () => browser.close(),
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function waitForPort(port, timeoutMs) {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    const ok = await new Promise((resolve) => {
      const sock = net.connect(port, '127.0.0.1', () => {
        sock.end();
        resolve(true);
      });
      sock.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listening on 127.0.0.1:${port} after ${timeoutMs} ms`);
}

/** WebKitGTK MiniBrowser via WebKitWebDriver under Xvfb, driven by selenium-webdriver. */
export async function launchWebKit() {
  need('/usr/bin/WebKitWebDriver', 'webkit2gtk-driver');
  need('/usr/bin/Xvfb', 'xvfb');
  const mini = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
  need(mini, 'webkit2gtk-driver');
  // Xvfb picks a free display itself and writes its number once it accepts connections
  // (-displayfd): a display picked at random could be another run's (several runs share this
  // machine), and a fixed 500 ms wait for the server could run out on a loaded machine.
  const xvfb = spawn('Xvfb', ['-displayfd', '1', '-screen', '0', '1280x900x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let driver;
  const killAll = () => {
    for (const p of [driver, xvfb]) {
      try {
        p?.kill('SIGKILL');
      } catch {
        /* gone */
      }
    }
  };
  try {
    const display = await new Promise((resolve, reject) => {
      let out = '';
      const t = setTimeout(() => reject(new Error('Xvfb reported no display within 15 s')), 15000);
      xvfb.stdout.on('data', (c) => {
        out += c;
        const m = /^(\d+)\n/.exec(out);
        if (m) { clearTimeout(t); resolve(`:${m[1]}`); }
      });
      xvfb.on('error', (e) => { clearTimeout(t); reject(e); });
      xvfb.on('exit', (code) => { clearTimeout(t); reject(new Error(`Xvfb exited (${code}) before it was ready`)); });
    });
    const port = await freePort();
    driver = spawn('WebKitWebDriver', [`--port=${port}`, '--host=127.0.0.1'], { stdio: 'ignore', env: { ...process.env, DISPLAY: display } });
    await waitForPort(port, 15000);
    const { Builder } = await import('selenium-webdriver');
    const caps = { browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: mini, args: ['--automation'] } };
    const wd = await new Builder().usingServer(`http://127.0.0.1:${port}`).withCapabilities(caps).build();
    await wd.manage().setTimeouts({ script: 30000, pageLoad: 30000 });
    const toSrc = (fn) => (typeof fn === 'function' ? `return (${fn.toString()})(arguments[0]);` : fn);
    return {
      name: 'webkit',
      async newPage() {
        return {
          goto: (url) => wd.get(url),
          click: (sel) => wd.executeScript(`document.querySelector(${JSON.stringify(sel)}).click()`),
          // Keys typed into the element through WebDriver (it focuses it, as a user would).
          type: async (sel, text) => {
            const { By } = await import('selenium-webdriver');
            await wd.findElement(By.css(sel)).sendKeys(text);
          },
          // As in the other engines: a classic inline script the page adds (its errors reach window.onerror).
          addScript: (content) => wd.executeScript('const s = document.createElement("script"); s.textContent = arguments[0]; document.head.append(s);', content),
          evaluate: async (fn, arg) => {
            // A string is an expression, as Playwright and Puppeteer take it (a promise is awaited).
            if (typeof fn === 'string') return wd.executeScript(`return (${fn});`);
            if (typeof fn === 'function' && fn.constructor.name === 'AsyncFunction') {
              return wd.executeAsyncScript(`const done = arguments[arguments.length - 1]; (${fn.toString()})(arguments[0]).then(done, (e) => done({ __error: String(e) }));`, arg);
            }
            return wd.executeScript(toSrc(fn), arg);
          },
          waitFor: async (fn, arg, timeout = 20000) => {
            const start = Date.now();
            while (Date.now() - start < timeout) {
              if (await wd.executeScript(toSrc(fn), arg)) return true;
              await new Promise((r) => setTimeout(r, 100));
            }
            throw new Error('waitFor timed out in WebKit');
          },
          // A key press through WebDriver's actions (to the focused element, else the body).
          press: async (key) => {
            const { Key } = await import('selenium-webdriver');
            const k = key === 'Escape' ? Key.ESCAPE : key === 'Enter' ? Key.ENTER : key;
            await wd.actions({ async: true }).sendKeys(k).perform();
          },
          // The window's outer size; the page's own width is what the tests check.
          setViewport: async (width, height) => {
            await wd.manage().window().setRect({ width, height });
          },
          close: async () => {},
        };
      },
      async close() {
        try {
          await wd.quit();
        } finally {
          killAll();
        }
      },
    };
  } catch (err) {
    killAll();
    throw new Error(`WebKitGTK could not start: ${err.message}`);
  }
}

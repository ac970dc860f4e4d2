// Helpers of the navigation tests (reliability-unload, reliability-stalled): loading the SDK in
// the basic page, waiting for a navigation the page made, and a page per scenario.

/** Page code that imports the SDK as window.F and calls init with the DSN and `opts` (source text). */
export const initSrc = (dsn, opts = '{}') => `(async () => { const F = await import('/esm/index.js'); window.F = F; F.init({ dsn: ${JSON.stringify(dsn)}, ...${opts} }); })()`;

/** Waits (up to 15 s) until the page shows `next`, fully loaded. */
export async function arrivedAt(page, next) {
  const end = Date.now() + 15000;
  for (;;) {
    try {
      if (page.raw.url().includes(next) && (await page.evaluate('document.readyState')) === 'complete') return;
    } catch { /* navigating */ }
    if (Date.now() > end) throw new Error('the page did not navigate');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A server started with `serverOpts` and a page of `browser` on its basic page, closed after `fn(page, server)`. */
export async function basicPage(browser, serverOpts, fn, startServer) {
  const server = await startServer(serverOpts);
  const page = await browser.newPage();
  try {
    await page.goto(server.origin + '/pages/sdk-basic/');
    return await fn(page, server);
  } finally {
    await page.close();
    await server.close();
  }
}

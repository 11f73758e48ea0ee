/**
 * Every end-to-end test runs under two guards (issue 9, "a locked-down page"):
 * - no request leaves the origin: every request of every page, worker and service worker in the test's browser
 *   context must go to the app's own origin (data: and blob: URLs are local);
 * - no Content-Security-Policy violation: the page never tries inline script, eval or a foreign resource.
 * A test that provokes a violation on purpose (e2e/csp.spec.ts) opts out with `test.use({ allowCspViolations: true })`.
 */
import { expect, test as base } from '@playwright/test';

export { expect };
export type { Page, Locator, BrowserContext } from '@playwright/test';

const LOCAL = /^(data|blob|about|chrome|chrome-extension|devtools):/;

export const test = base.extend<{ allowCspViolations: boolean; lockedDown: void }>({
  allowCspViolations: [false, { option: true }],
  lockedDown: [
    async ({ context, baseURL, allowCspViolations }, use) => {
      const origin = new URL(baseURL ?? 'http://127.0.0.1').origin;
      const leaks: string[] = [];
      const violations: string[] = [];
      context.on('request', (request) => {
        const url = request.url();
        if (!LOCAL.test(url) && new URL(url).origin !== origin) leaks.push(url);
      });
      context.on('console', (message) => {
        if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) violations.push(message.text());
      });
      await use();
      expect(leaks, 'requests that left the origin').toEqual([]);
      if (!allowCspViolations) expect(violations, 'Content-Security-Policy violations').toEqual([]);
    },
    { auto: true },
  ],
});

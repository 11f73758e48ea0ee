/**
 * The locked-down page (issue 9 item 5): the production build carries a Content-Security-Policy that blocks
 * inline script and eval, and ships no source maps that would leak the sources' local paths.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test } from './fixtures.ts';

test.describe('Content-Security-Policy', () => {
  test.use({ allowCspViolations: true });

  test('an inline script and eval are blocked, and the app still runs', async ({ page }) => {
    await page.goto('./#/rings');
    await expect(page.getByRole('button', { name: 'Play', exact: true })).toBeEnabled({ timeout: 20_000 });
    const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toContain('unsafe-eval');

    const outcome = await page.evaluate(async () => {
      const violated = new Promise<string>((resolveViolation) =>
        document.addEventListener('securitypolicyviolation', (e) => resolveViolation(e.violatedDirective), { once: true }),
      );
      const w = window as unknown as { injected?: boolean };
      const script = document.createElement('script');
      script.textContent = 'window.injected = true;';
      document.body.append(script);
      const directive = await violated;
      let evalBlocked = false;
      try {
        // eslint-disable-next-line no-eval -- the point of the test
        (0, eval)('1 + 1');
      } catch (e) {
        evalBlocked = e instanceof EvalError;
      }
      let functionBlocked = false;
      try {
        new Function('return 1')();
      } catch (e) {
        functionBlocked = e instanceof EvalError;
      }
      return { ran: w.injected === true, directive, evalBlocked, functionBlocked };
    });
    expect(outcome).toEqual({ ran: false, directive: expect.stringMatching(/^script-src/), evalBlocked: true, functionBlocked: true });

    // The app is unaffected: it steps on.
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect(page.getByTestId('narration')).not.toBeEmpty();
  });
});

test('the build ships no source maps and no local paths', () => {
  const dist = resolve(process.env.VTLAB_DIST?.trim() || 'dist');
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.push(path);
    }
  };
  walk(dist);
  expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
  const root = resolve('.');
  const leaking = files.filter((f) => /\.(js|css|html|json|webmanifest)$/.test(f) && readFileSync(f, 'utf8').includes(root));
  expect(leaking, `files naming ${root}`).toEqual([]);
});

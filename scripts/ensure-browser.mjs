#!/usr/bin/env node
// Finds (or, as a last resort, installs) a Chromium the end-to-end tests can drive.
//
// Order:
//   a. $VTLAB_CHROMIUM, then $CHROMIUM_PATH, if it names an existing executable file;
//   b. a system Chromium: /usr/bin/chromium, /usr/bin/chromium-browser, /usr/bin/google-chrome,
//      /usr/bin/google-chrome-stable;
//   c. Playwright's own Chromium, if it is already downloaded;
//   d. install one: `playwright install chromium` (fails fast where Playwright's CDN is unreachable),
//      then, as root on Debian/Ubuntu, `apt-get update && apt-get install -y chromium`; re-check.
// Every candidate must answer `--version` and (when playwright-core is installed) launch headless
// and open a page; one that does not is skipped.
//
// Output: progress on stderr; the chosen executable path as the last line of stdout, also written to
// node_modules/.cache/vt-lab/browser-path (read by playwright.config.ts). Exit status 1 if no browser.
//
// Flags: --no-install       do not try to install anything (step d)
//        --no-launch-check  only run `--version`, do not launch the browser through Playwright
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cacheFile = join(root, 'node_modules', '.cache', 'vt-lab', 'browser-path');
const require = createRequire(join(root, 'package.json'));

const args = new Set(process.argv.slice(2));
for (const a of args) {
  if (a !== '--no-install' && a !== '--no-launch-check') {
    console.error(`ensure-browser: unknown option ${a} (known: --no-install, --no-launch-check)`);
    process.exit(2);
  }
}
const allowInstall = !args.has('--no-install');
const launchCheck = !args.has('--no-launch-check');

const SYSTEM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

// The flags playwright.config.ts launches with (root in a container needs --no-sandbox).
const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const log = (msg) => console.error(`ensure-browser: ${msg}`);

function isExecutableFile(p) {
  try {
    if (!statSync(p).isFile()) return false; // follows symlinks
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function loadPlaywrightCore() {
  for (const name of ['playwright-core', '@playwright/test', 'playwright']) {
    try {
      const mod = require(name);
      if (mod?.chromium) return mod;
    } catch {
      // try the next one
    }
  }
  return null;
}

async function verify(executablePath) {
  // 1. `--version`: catches missing shared libraries, wrong architecture, broken wrappers.
  //    Debian's wrapper script may print "[: …: unexpected operator" on stderr; that is harmless.
  const v = spawnSync(executablePath, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (v.error || v.status !== 0) {
    const why = v.error ? v.error.message : `exit status ${v.status ?? v.signal}`;
    const err = (v.stderr || '').trim().split('\n').filter((l) => l && !/unexpected operator/.test(l));
    log(`  ${executablePath} --version failed: ${why}${err.length ? `\n    ${err.slice(-3).join('\n    ')}` : ''}`);
    return false;
  }
  const version = (v.stdout || '').trim().split('\n').pop();
  log(`  ${executablePath}: ${version}`);
  if (!launchCheck) return true;

  // 2. A real headless launch through Playwright, with the test suite's flags.
  const pw = loadPlaywrightCore();
  if (!pw) {
    log('  (playwright-core not installed: skipping the launch check)');
    return true;
  }
  let browser;
  try {
    browser = await pw.chromium.launch({
      executablePath,
      headless: true,
      args: LAUNCH_ARGS,
      timeout: 60_000,
    });
    const page = await browser.newPage();
    await page.setContent('<title>ok</title><p>ok</p>');
    const title = await page.title();
    if (title !== 'ok') throw new Error(`unexpected page title ${JSON.stringify(title)}`);
    log(`  launched headless through Playwright (browser ${browser.version()})`);
    return true;
  } catch (e) {
    const first = String(e?.message ?? e)
      .split('\n')
      .filter((l) => l.trim())
      .slice(0, 6)
      .map((l) => (l.length > 200 ? `${l.slice(0, 200)}…` : l))
      .join('\n    ');
    log(`  launching ${executablePath} through Playwright failed:\n    ${first}`);
    return false;
  } finally {
    await browser?.close().catch(() => {});
  }
}

const tried = new Set();
async function tryCandidate(p, label) {
  if (!p) return null;
  const abs = resolve(p);
  if (tried.has(abs)) return null;
  if (!isExecutableFile(abs)) {
    if (label.startsWith('$')) log(`${label}=${p} is not an executable file; ignoring it`);
    return null;
  }
  tried.add(abs);
  log(`trying ${label}: ${abs}`);
  return (await verify(abs)) ? abs : null;
}

async function findEnv() {
  for (const name of ['VTLAB_CHROMIUM', 'CHROMIUM_PATH']) {
    const found = await tryCandidate(process.env[name], `$${name}`);
    if (found) return found;
  }
  return null;
}

async function findSystem() {
  for (const p of SYSTEM_PATHS) {
    const found = await tryCandidate(p, 'system Chromium');
    if (found) return found;
  }
  return null;
}

async function findPlaywrightBundled() {
  const pw = loadPlaywrightCore();
  if (!pw) return null;
  let p;
  try {
    p = pw.chromium.executablePath();
  } catch {
    return null;
  }
  return tryCandidate(p, "Playwright's Chromium");
}

/** Runs a command, streaming its output to our stderr (stdout stays clean for the path). */
function run(cmd, cmdArgs, { timeoutMs, env, label = [cmd, ...cmdArgs].join(' ') } = {}) {
  return new Promise((resolvePromise) => {
    log(`$ ${label}`);
    let child;
    try {
      child = spawn(cmd, cmdArgs, { stdio: ['ignore', 2, 2], env: { ...process.env, ...env } });
    } catch (e) {
      log(`  could not start ${cmd}: ${e.message}`);
      resolvePromise(false);
      return;
    }
    let timer;
    if (timeoutMs) {
      timer = setTimeout(() => {
        log(`  \`${label}\` timed out after ${Math.round(timeoutMs / 1000)} s; stopping it`);
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }, timeoutMs);
    }
    child.on('error', (e) => {
      clearTimeout(timer);
      log(`  could not start \`${label}\`: ${e.message}`);
      resolvePromise(false);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) log(`  \`${label}\` failed (${signal ?? `exit status ${code}`})`);
      resolvePromise(code === 0);
    });
  });
}

function commandExists(name) {
  return (process.env.PATH || '')
    .split(':')
    .some((dir) => dir && isExecutableFile(join(dir, name)));
}

async function installPlaywrightChromium() {
  // The CLI of the installed @playwright/test (so the browser matches its version), not `npx`, which
  // would fetch whatever Playwright is newest when node_modules is missing.
  let cli = null;
  for (const spec of ['@playwright/test/cli', 'playwright/cli']) {
    try {
      cli = require.resolve(spec);
      break;
    } catch {
      // try the next one
    }
  }
  if (!cli) {
    log('@playwright/test is not installed (run `npm ci` first); skipping `playwright install chromium`');
    return false;
  }
  log("installing Playwright's Chromium (fails quickly where Playwright's download servers are unreachable)");
  return run(process.execPath, [cli, 'install', 'chromium'], {
    timeoutMs: 120_000,
    label: 'playwright install chromium',
  });
}

async function installApt() {
  const isRoot = process.getuid?.() === 0;
  if (!isRoot) {
    log('not root: skipping `apt-get install -y chromium`');
    return false;
  }
  if (!commandExists('apt-get')) {
    log('apt-get not found (not Debian/Ubuntu): skipping the system package');
    return false;
  }
  log('installing the system package `chromium` with apt-get (about a minute, ~1 GiB of disk)');
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  if (!(await run('apt-get', ['update'], { env }))) return false;
  return run('apt-get', ['install', '-y', 'chromium'], { env });
}

function remember(p) {
  try {
    mkdirSync(dirname(cacheFile), { recursive: true });
    writeFileSync(cacheFile, `${p}\n`);
  } catch (e) {
    log(`warning: could not write ${cacheFile}: ${e.message}`);
  }
  log(`using ${p}`);
  process.stdout.write(`${p}\n`);
}

async function main() {
  let found = (await findEnv()) ?? (await findSystem()) ?? (await findPlaywrightBundled());
  if (!found && allowInstall) {
    if (await installPlaywrightChromium()) found = await findPlaywrightBundled();
    if (!found && (await installApt())) found = await findSystem();
  }
  if (found) {
    remember(found);
    return 0;
  }
  console.error(
    [
      '',
      'ensure-browser: no usable Chromium found for the end-to-end tests.',
      'Install Chromium: `sudo apt-get install -y chromium` (Debian/Ubuntu) or `npx playwright install chromium`,',
      'or set VTLAB_CHROMIUM=/path/to/chrome (any Chromium or Chrome executable).',
    ].join('\n'),
  );
  // Forget an earlier choice so playwright.config.ts does not pick up a browser that no longer works.
  try {
    rmSync(cacheFile, { force: true });
  } catch {
    // not ours to remove (read-only node_modules): playwright.config.ts checks the path exists anyway
  }
  return 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`ensure-browser: ${e?.stack ?? e}`);
    process.exit(1);
  },
);

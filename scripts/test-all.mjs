#!/usr/bin/env node
// `npm test`: type-check, unit tests, then the end-to-end tests in a real Chromium.
//
//   node scripts/test-all.mjs           all steps
//   node scripts/test-all.mjs --unit    type-check + Vitest only
//   node scripts/test-all.mjs --e2e     browser + build + Playwright only
//
// Arguments after `--` go to Playwright (e.g. `npm test -- --e2e -- --grep @motion`).
// Stops at the first failing step and exits with its status.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cacheFile = join(root, 'node_modules', '.cache', 'vt-lab', 'browser-path');

const HELP = `usage: node scripts/test-all.mjs [--unit | --e2e] [-- <playwright args>]
  --unit   type-check every tsconfig.*.json, then Vitest
  --e2e    find/install Chromium, vite build, then Playwright
  (default: both)`;

const argv = process.argv.slice(2);
const dashDash = argv.indexOf('--');
const own = dashDash === -1 ? argv : argv.slice(0, dashDash);
const playwrightArgs = dashDash === -1 ? [] : argv.slice(dashDash + 1);
let unit = true;
let e2e = true;
for (const a of own) {
  if (a === '--unit') e2e = false;
  else if (a === '--e2e') unit = false;
  else if (a === '-h' || a === '--help') {
    console.log(HELP);
    process.exit(0);
  } else {
    console.error(`test-all: unknown option ${a}\n${HELP}`);
    process.exit(2);
  }
}
if (!unit && !e2e) {
  console.error('test-all: --unit and --e2e together mean everything; give neither to run all steps');
  unit = e2e = true;
}

const isWindows = process.platform === 'win32';
/** node_modules/.bin/<name> (the .cmd shim on Windows), or null when not installed. */
function bin(name) {
  const p = join(root, 'node_modules', '.bin', isWindows ? `${name}.cmd` : name);
  return existsSync(p) ? p : null;
}

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const bold = (s) => (color ? `\x1b[1m${s}\x1b[22m` : s);
const red = (s) => (color ? `\x1b[31m${s}\x1b[39m` : s);
const green = (s) => (color ? `\x1b[32m${s}\x1b[39m` : s);
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

const done = [];
const started = performance.now();

/**
 * Runs one step: `cmd` from node_modules/.bin when installed (fast), else through npx.
 * Resolves to the output it captured on stdout when `captureStdout`, which is still echoed.
 */
function step(title, cmd, args, { env, captureStdout = false } = {}) {
  const local = bin(cmd);
  const file = cmd === 'node' ? process.execPath : (local ?? (isWindows ? 'npx.cmd' : 'npx'));
  const fileArgs = cmd === 'node' || local ? args : ['--no', cmd, ...args]; // --no: never download
  const shown = [cmd, ...args].join(' ');
  console.log(`\n${bold(`▶ ${title}`)}  ${shown}`);
  const t0 = performance.now();
  return new Promise((resolvePromise) => {
    const child = spawn(file, fileArgs, {
      cwd: root,
      stdio: ['inherit', captureStdout ? 'pipe' : 'inherit', 'inherit'],
      env: { ...process.env, ...env },
      shell: isWindows && file.endsWith('.cmd'),
    });
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += chunk;
      process.stdout.write(chunk);
    });
    const finish = (code, why) => {
      const ms = performance.now() - t0;
      done.push({ title, ms, ok: code === 0 });
      if (code === 0) {
        console.log(green(`✔ ${title} (${secs(ms)})`));
        resolvePromise(out);
      } else {
        console.log(red(`✘ ${title} failed: ${why} (${secs(ms)})`));
        summary();
        process.exit(code);
      }
    };
    child.on('error', (e) => finish(127, `could not start ${file}: ${e.message}`));
    child.on('close', (code, signal) => {
      if (signal) finish(1, `killed by ${signal}`);
      else finish(code ?? 1, `exit status ${code}`);
    });
  });
}

function summary() {
  console.log(`\n${bold('Summary')}`);
  for (const s of done) console.log(`  ${s.ok ? green('✔') : red('✘')} ${s.title.padEnd(34)} ${secs(s.ms).padStart(8)}`);
  console.log(`  total ${secs(performance.now() - started)}`);
}

if (unit) {
  // Every tsconfig.<name>.json in the root except the shared base (tsconfig.json is references only).
  const tsconfigs = readdirSync(root)
    .filter((f) => /^tsconfig\..+\.json$/.test(f) && f !== 'tsconfig.base.json')
    .sort();
  for (const cfg of tsconfigs) await step(`type-check ${cfg}`, 'tsc', ['-p', cfg]);
  await step('unit tests (Vitest)', 'vitest', ['run']);
}

if (e2e) {
  const out = await step('find Chromium', 'node', [join('scripts', 'ensure-browser.mjs')], { captureStdout: true });
  let chromium = out.trim().split('\n').pop()?.trim();
  if (!chromium && existsSync(cacheFile)) chromium = readFileSync(cacheFile, 'utf8').trim();
  if (!chromium) {
    console.error(red('test-all: ensure-browser succeeded but printed no browser path'));
    process.exit(1);
  }
  await step('build (vite build)', 'vite', ['build']);
  await step('end-to-end tests (Playwright)', 'playwright', ['test', ...playwrightArgs], {
    env: { VTLAB_CHROMIUM: chromium },
  });
}

summary();

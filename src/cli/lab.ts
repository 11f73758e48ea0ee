/**
 * The headless lab runner.
 *
 *   npm run -s lab -- run FILE.s [--json] [--max-steps N] [--cpu NAME] [--vmm KEY=VALUE]...
 *   npm run -s lab -- disasm FILE.s [--json]
 *   npm run -s lab -- models
 *   npm run -s lab -- planetlab DIR [--policy lr-mmt-1.2] [--seed N] [--json]
 *   npm run -s lab -- migrate --memory-mib M --bandwidth-mbit R --dirty-mbyte-per-s D [--wws-mib W] --rule qemu|xen|clark [--downtime-ms T] [--json]
 *
 * With --json it prints one JSON object per line (docs/trace-format.md), ending with an `end` record.
 * Without it, a readable trace. Assembly and header errors print `file:line:column: message` and exit 1.
 */
import { readFileSync } from 'node:fs';
import { runLab, DEFAULT_MAX_STEPS } from '../core/lab/run.ts';
import { JsonSink, type TraceRecord } from '../core/trace/json.ts';
import { formatAsmError } from '../core/x86/asm/index.ts';
import { CPU_MODELS, cpuModelIds, getCpuModel } from '../core/cpu-models/index.ts';
import { formatListing, labListing } from '../core/lab/listing.ts';
import { vmmSettingsFromAssignments } from '../core/vmm/settings.ts';
import { runMigrateCommand } from '../core/platform/migration/cli.ts';
import { planetlabMain } from './planetlab.ts';

function usage(code: number): never {
  process.stderr.write(
    'usage: npm run -s lab -- run FILE.s [--json] [--max-steps N] [--cpu NAME] [--vmm KEY=VALUE]...\n       npm run -s lab -- disasm FILE.s [--json]\n       npm run -s lab -- models\n       npm run -s lab -- planetlab DIR [--policy lr-mmt-1.2] [--seed N] [--json]\n       npm run -s lab -- migrate --memory-mib M --bandwidth-mbit R --dirty-mbyte-per-s D [--wws-mib W] --rule qemu|xen|clark [--downtime-ms T] [--json]\n',
  );
  process.exit(code);
}

function human(rec: TraceRecord): string {
  const r = rec as Record<string, unknown>;
  switch (rec.type) {
    case 'console':
      return `console  ${JSON.stringify(r.text)}`;
    case 'vmexit':
      return `vmexit   reason ${r.reason} (${r.name}) at ${r.guestEip}, qualification ${r.qualification}, length ${r.instructionLength}  [cycle ${r.cycle}]`;
    case 'vmentry':
      return `vmentry  ${r.instruction} → ${r.guestEip}${r.injected ? ` injecting ${r.injected}` : ''}  [cycle ${r.cycle}]`;
    case 'vmfail':
      return `vmfail   ${r.instruction}: VMfail${r.kind === 'valid' ? `Valid(${r.error})` : 'Invalid'} at ${r.eip}`;
    case 'exception':
      return `exception ${r.name} (vector ${r.vector}${r.errorCode === null ? '' : `, error code ${r.errorCode}`}) at ${r.eip}, CPL ${r.cplBefore}→${r.cplAfter}`;
    case 'end':
      return `end      ${r.reason} after ${r.instructions} instructions, ${r.cycle} cycles\n         ${JSON.stringify(r.registers)}`;
    default:
      return `${String(rec.type).padEnd(8)} ${JSON.stringify(Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'type')))}`;
  }
}

function main(argv: string[]): number {
  const [cmd, ...rest] = argv;
  // dynamic consolidation over a PlanetLab day (src/core/platform/dynamic, docs/planetlab.md)
  if (cmd === 'planetlab') return planetlabMain(rest);
  if (cmd === 'migrate') {
    // live-migration engine (src/core/platform/migration); bad arguments exit 2
    const m = runMigrateCommand(rest);
    process.stdout.write(m.stdout);
    process.stderr.write(m.stderr);
    return m.code;
  }
  if (cmd === 'models') {
    for (const m of CPU_MODELS) process.stdout.write(`${m.id.padEnd(10)} ${m.name} (${m.year})\n`);
    return 0;
  }
  if (cmd === 'disasm') {
    const file = rest.find((a) => !a.startsWith('--'));
    if (file === undefined) usage(2);
    let src: string;
    try {
      src = readFileSync(file, 'utf8');
    } catch (e) {
      process.stderr.write(`${file}: cannot read: ${(e as Error).message}\n`);
      return 2;
    }
    const l = labListing(src);
    if (!l.ok) {
      for (const e of l.errors) process.stderr.write(formatAsmError(file, e) + '\n');
      return 1;
    }
    if (rest.includes('--json')) for (const r of l.rows) process.stdout.write(JSON.stringify({ ...r, address: '0x' + r.address.toString(16).toUpperCase().padStart(8, '0') }) + '\n');
    else process.stdout.write(formatListing(l.rows) + '\n');
    return 0;
  }
  if (cmd !== 'run') usage(2);
  let file: string | undefined;
  let json = false;
  let maxSteps = DEFAULT_MAX_STEPS;
  let cpu: string | undefined;
  const vmm: string[] = [];
  for (let k = 0; k < rest.length; k++) {
    const a = rest[k];
    if (a === '--json') json = true;
    else if (a === '--max-steps') {
      const n = Number(rest[++k]);
      if (!Number.isSafeInteger(n) || n <= 0) {
        process.stderr.write(`--max-steps needs a positive whole number, got '${rest[k]}'\n`);
        return 2;
      }
      maxSteps = n;
    } else if (a === '--cpu') {
      // A bad --cpu is a bad argument (exit 2, with the known names), not an error in the lab file.
      const name = rest[++k];
      if (name === undefined || name.startsWith('--') || getCpuModel(name) === undefined) {
        process.stderr.write(`--cpu needs a CPU model name (known: ${cpuModelIds().join(', ')}), got '${name ?? ''}'\n`);
        return 2;
      }
      cpu = name;
    }
    else if (a === '--vmm') {
      if (rest[k + 1] === undefined) {
        process.stderr.write('--vmm needs KEY=VALUE (for example --vmm hltExiting=false)\n');
        return 2;
      }
      vmm.push(rest[++k]);
    }
    else if (a.startsWith('--')) {
      process.stderr.write(`unknown option ${a}\n`);
      return 2;
    } else file = a;
  }
  if (file === undefined) usage(2);
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (e) {
    process.stderr.write(`${file}: cannot read: ${(e as Error).message}\n`);
    return 2;
  }
  const out = (rec: TraceRecord): void => {
    process.stdout.write((json ? JSON.stringify(rec) : human(rec)) + '\n');
  };
  let settings;
  if (vmm.length > 0) {
    const v = vmmSettingsFromAssignments(vmm);
    if (!v.ok) {
      for (const e of v.errors) process.stderr.write(`--vmm ${e.field}: ${e.message}\n`);
      return 2;
    }
    settings = v.settings;
  }
  const result = runLab(source, { maxSteps, cpu, trace: new JsonSink(out), ...(settings !== undefined ? { vmm: settings } : {}) });
  if (!result.ok) {
    for (const e of result.errors) process.stderr.write(formatAsmError(file, e) + '\n');
    return 1;
  }
  out(result.end);
  return 0;
}

// A closed pipe (e.g. `| head`) is not an error worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
process.exitCode = main(process.argv.slice(2));

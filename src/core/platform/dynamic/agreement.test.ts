/**
 * Agreement with the reference simulator: CloudSim 3.0.3 re-run on PlanetLab 20110303 with the trace files in
 * byte order (../shared/reference/usage-models.md §A6). Tolerances from issue 6: energy and SLAV within 5 %,
 * migrations within 10 %. The traces are the repository copy (public/data/planetlab/20110303, identical to the
 * shared one), so this runs on a fresh clone.
 *
 * Beyond the tolerances, every deterministic policy reproduces CloudSim's figures to the last bit, on 20110303 and
 * on 20110306 (a test-only copy of that day in fixtures/planetlab-20110306, not shipped with the app). Those
 * full-precision values come from CloudSim 3.0.3 itself: tag `cloudsim-3.0.3` of Cloudslab/cloudsim compiled with
 * javac (OpenJDK 17.0.15) against Debian's commons-math3 3.6.1, run through `PlanetLabRunner` (output off,
 * `Constants`/`PlanetLabConstants` untouched) with two edits: `PlanetLabHelper.createCloudletListPlanetLab` sorts the
 * files by name (§A6), and `Helper.printResults` also prints its twelve doubles in full (`Double.toString`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicy, runDay, traceSetFromFiles, type DynMetrics, type TraceSet } from './index.ts';
import { CLOUDSIM_20110303, CLOUDSIM_20110303_NPA } from './reference.ts';

const DIR = join(process.cwd(), 'public/data/planetlab/20110303');

function load(dir = DIR): TraceSet {
  const files = readdirSync(dir).map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
  const r = traceSetFromFiles(files);
  if (!r.ok) throw new Error(r.error);
  return r.traces;
}

/** One replay per day and policy for the whole file (a day takes ~0.5–1 s). */
const runs = new Map<string, DynMetrics>();
function run(traces: TraceSet, day: string, name: string): DynMetrics {
  const key = `${day} ${name}`;
  let m = runs.get(key);
  if (m === undefined) {
    const p = parsePolicy(name);
    if (!p.ok) throw new Error(p.error);
    m = runDay(traces, p.policy);
    runs.set(key, m);
  }
  return m;
}

// §A6, day 20110303, sorted order: [policy, energy kWh, VM migrations, SLATAH %, PDM %, SLAV × 1e-5, host shutdowns]
const A6 = Object.entries(CLOUDSIM_20110303).map(([name, r]) => [name, r.energyKWh, r.migrations, r.slatahPct ?? 0, r.pdmPct ?? 0, r.slavE5 ?? 0, r.hostShutdowns ?? 0] as [string, number, number, number, number, number, number]);

describe('PlanetLab 20110303 against CloudSim 3.0.3 (§A6)', () => {
  const traces = load();

  it('checks all 16 policies §A6 lists for the day', () => {
    expect(A6.length).toBe(16);
  });

  it('reads 1052 VMs, as §A1 counts for the day', () => {
    expect(traces.names.length).toBe(1052);
  });

  it('NPA draws every host at full power for 287 intervals + 0.1 s: 2410.80 kWh (§A6)', () => {
    const p = parsePolicy('npa');
    if (!p.ok) throw new Error(p.error);
    expect(CLOUDSIM_20110303_NPA.energyKWh).toBe(2410.8);
    expect(runDay(traces, p.policy).energyKWh).toBeCloseTo(CLOUDSIM_20110303_NPA.energyKWh, 1);
  });

  it.each(A6)('%s: energy, SLAV within 5 %%, migrations within 10 %%', (name, energy, migrations, _slatah, _pdm, slav, shutdowns) => {
    const m = run(traces, '20110303', name);
    expect(Math.abs(m.energyKWh - energy) / energy).toBeLessThan(0.05);
    if (migrations === 0) expect(m.migrations).toBe(0);
    else expect(Math.abs(m.migrations - migrations) / migrations).toBeLessThan(0.1);
    const ours = m.slav * 1e5;
    if (slav === 0) expect(ours).toBe(0);
    // SLAV is printed to 3 significant digits in §A6: allow the rounding on top of the 5 %
    else expect(Math.abs(ours - slav) / slav).toBeLessThan(0.05 + 0.005 / slav);
    expect(m.anomalies).toBe(0);
    // the deterministic policies reproduce CloudSim's host shutdown count within 2 %
    expect(Math.abs(m.hostShutdowns - shutdowns)).toBeLessThanOrEqual(Math.ceil(shutdowns * 0.02));
  });
});

// CloudSim 3.0.3's own outputs in full (see the header): [energy kWh, VM migrations, SLATAH, PDM, SLAV, overall SLA
// violation, average SLA violation, host shutdowns, mean and stdev time before a host shutdown (s), mean and stdev
// time before a VM migration (s)] — `Helper.printResults`'s figures. RS is left out (CloudSim's is unseeded).
type Full = [number, number, number, number, number, number, number, number, number, number, number, number];
const CLOUDSIM_20110303_FULL: Record<string, Full> = {
  'dvfs': [802.7544918889142, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 455, 2864.2758241758866, 11081.954024044866, NaN, NaN],
  'thr-mmt-1.0': [163.00577936602903, 46067, 0.15987231544269043, 0.0017831256266810577, 0.0002850724226626991, 0.005414871031516709, 0.08975803115189426, 6018, 886.1946321037253, 1196.3534421631116, 17.17187446651051, 7.9745984513897366],
  'thr-mmt-0.8': [192.6230702104301, 26711, 0.049132826292777564, 0.0006463667653023383, 3.1757826001024314e-05, 0.0007100112334112545, 0.10151138775947029, 5885, 949.5826854715732, 3248.173611800221, 13.882234289359554, 6.319553196687205],
  'iqr-mmt-1.5': [189.98007272498137, 26282, 0.04822550317694122, 0.0006235223717749096, 3.006968012092483e-05, 0.0007063386499995401, 0.1002931576511981, 5868, 951.9229093388265, 3597.3483530691465, 13.559311130286853, 6.0820523265479105],
  'mad-mmt-2.5': [185.79167331176743, 26556, 0.050488181702388654, 0.0006618525863521563, 3.3415733639943545e-05, 0.0007891393807099014, 0.10026514269488286, 5828, 966.7462786548081, 3499.22302318521, 13.936318959619857, 6.430386234321509],
  'lrr-mmt-1.2': [163.47721709836688, 27859, 0.05857947786183614, 0.0007927465737772169, 4.6438680368628934e-05, 0.001472355217554698, 0.09558013672329341, 5053, 1028.866248169455, 2241.960100454614, 15.515674262956612, 7.573383430826751],
  'lr-mmt-1.2': [163.47721709836688, 27859, 0.05857947786183614, 0.0007927465737772169, 4.6438680368628934e-05, 0.001472355217554698, 0.09558013672329341, 5053, 1028.866248169455, 2241.960100454614, 15.515674262956612, 7.573383430826751],
  'thr-mc-0.8': [183.4761042016662, 23967, 0.06838235191094172, 0.0010193214187517077, 6.970359596743966e-05, 0.001116689207490488, 0.10059656522329934, 5576, 982.9391929698263, 3134.2489628752937, 19.76656067882168, 8.116176372527098],
  'thr-mu-0.8': [207.79429855142962, 30653, 0.07382354346304039, 0.0006696494379799787, 4.9435894389715525e-05, 0.0007120669198829882, 0.10164887775389356, 6523, 971.3291135980074, 3247.595993557815, 19.51885313013757, 8.050274711728806],
  'iqr-mc-1.5': [179.24811961968615, 23596, 0.06902060026304484, 0.0010311395162643394, 7.11698683675104e-05, 0.0011757579168077048, 0.09772811750986754, 5511, 996.0519774995091, 3313.6023870391105, 19.686122325319467, 8.109677683348803],
  'mad-mc-2.5': [175.29297945364686, 23861, 0.070079166560173, 0.0010531614325230707, 7.380467544453467e-05, 0.0012818063170430053, 0.0970762999036857, 5460, 972.5420307691992, 3149.8842973814126, 19.66912559618651, 8.12163080497709],
  'lrr-mc-1.2': [151.06719276475036, 23380, 0.07005852607429175, 0.0009752808724910004, 6.832674043516875e-05, 0.0016332576053725793, 0.09616816376422896, 4078, 1161.0727258459992, 2419.394447973318, 19.536686148290922, 8.110309435398214],
  'lr-mc-1.2': [151.06719276475036, 23380, 0.07005852607429175, 0.0009752808724910004, 6.832674043516875e-05, 0.0016332576053725793, 0.09616816376422896, 4078, 1161.0727258459992, 2419.394447973318, 19.536686148290922, 8.110309435398214],
  'lr-mu-1.2': [175.6003031133715, 30166, 0.08151816948967638, 0.0007517147331205353, 6.127840902240665e-05, 0.0018413347325534836, 0.09750252070211063, 5632, 995.6590454545384, 2316.4096964525165, 19.58835864947576, 8.037649317430672],
};
const CLOUDSIM_20110306_FULL: Record<string, Full> = {
  'dvfs': [625.5307583410281, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 544, 4109.658823529496, 13255.086955269111, NaN, NaN],
  'thr-mmt-1.0': [124.14330162700203, 33440, 0.15065344857356233, 0.0017237926992385406, 0.0002596953147662157, 0.005186311270635413, 0.09237236050549007, 4678, 883.7694262505394, 1253.0925520446726, 17.135262337667132, 7.991431780070058],
  'thr-mmt-0.8': [144.74116399795003, 20908, 0.051337116100120386, 0.0007004659791666152, 3.5959903296661034e-05, 0.00076740967808378, 0.10125483256243568, 4682, 971.33719607008, 3216.5100261792595, 14.370363988797882, 6.710802645259824],
  'iqr-mmt-1.5': [143.97242332830746, 20742, 0.05041232314444056, 0.0006692892594324253, 3.3740426423610736e-05, 0.0007670627261882919, 0.1015441332594063, 4703, 913.1111409738559, 3049.14904900954, 14.02138853364822, 6.4711908505572495],
  'mad-mmt-2.5': [140.0713283887841, 20682, 0.05196408111898244, 0.0007203295592407083, 3.7431263648785036e-05, 0.0008711550766639057, 0.10289300413177462, 4593, 959.8443683866925, 3090.0024011066716, 14.339697314887335, 6.699555259929871],
  'lrr-mmt-1.2': [123.28418639236499, 20878, 0.05882360408734412, 0.0007861720486999679, 4.624547333726313e-05, 0.0014073410060666187, 0.09618711500669219, 4018, 993.9951737182641, 2348.4693186782256, 15.436097249561339, 7.536280436270283],
  'lr-mmt-1.2': [123.28418639236499, 20878, 0.05882360408734412, 0.0007861720486999679, 4.624547333726313e-05, 0.0014073410060666187, 0.09618711500669219, 4018, 993.9951737182641, 2348.4693186782256, 15.436097249561339, 7.536280436270283],
  'thr-mc-0.8': [138.0970520951734, 18823, 0.06921906732353085, 0.0010567610530808518, 7.314801447808884e-05, 0.00116019617552686, 0.10098312525147966, 4405, 1003.0151881952152, 3226.3985081800224, 19.740643033802996, 8.10444608383371],
  'thr-mu-0.8': [156.60283868136978, 23599, 0.07436192402587259, 0.0006688153517926835, 4.973439637734478e-05, 0.0007116806864765235, 0.10228508306456155, 5115, 987.1079632453511, 3619.896271157215, 19.37954339494753, 8.07958873243548],
  'mad-mc-2.5': [132.05719483881248, 18820, 0.07126900261270162, 0.0011029073330031903, 7.860310559737215e-05, 0.0013583187972595232, 0.1000247795887707, 4297, 990.4258561786964, 2935.650265098035, 19.665235684503887, 8.141702391462022],
  'lr-mc-1.2': [114.04845739271678, 17248, 0.07068327528704943, 0.0009536627407056621, 6.740800603230035e-05, 0.0016313538370998299, 0.09595996771985206, 3250, 1111.1665230769013, 2329.7061686294865, 19.664195660356555, 8.144027603302035],
};

function asFull(m: DynMetrics): Full {
  return [
    m.energyKWh,
    m.migrations,
    m.slatah,
    m.pdm,
    m.slav,
    m.overallSlaViolation,
    m.averageSlaViolation,
    m.hostShutdowns,
    m.meanTimeBeforeHostShutdown,
    m.stDevTimeBeforeHostShutdown,
    m.meanTimeBeforeVmMigration,
    m.stDevTimeBeforeVmMigration,
  ];
}

describe('PlanetLab 20110303: every figure CloudSim 3.0.3 prints, bit for bit', () => {
  // Also the regression guard for the fast paths in simulator.ts / stats.ts (overload tests in power order, one idle
  // host per type, settled switched-off hosts not re-processed, sorted MAD, MC without re-running a lone screened
  // candidate, lazy map-order re-allocation): none may change a bit of what the lab reports. THR-MMT-1.0, whose hosts
  // run over-subscribed, needs the VM scheduler's HashMap order (javaHashMap.ts): in list order it made 45,344
  // migrations to CloudSim's 46,067.
  const traces = load();
  it.each(Object.keys(CLOUDSIM_20110303_FULL))('%s', (name) => {
    const m = run(traces, '20110303', name);
    expect(asFull(m)).toEqual(CLOUDSIM_20110303_FULL[name]);
    expect(m.esv).toBe(m.energyKWh * m.slav);
    expect(m.anomalies).toBe(0);
  });
});

// 20110306: a test-only copy of the shared day (../shared/data/planetlab/20110306, 898 files); public/data, which the
// app ships and caches offline, carries 20110303 only.
const DIR_0306 = join(process.cwd(), 'src/core/platform/dynamic/fixtures/planetlab-20110306');

describe('PlanetLab 20110306: every figure CloudSim 3.0.3 prints, bit for bit', () => {
  // The day where list order cost THR-MMT-1.0 7 % of its SLAV and ESV (32,283 migrations to CloudSim's 33,440).
  let traces: TraceSet | undefined;
  it.each(Object.keys(CLOUDSIM_20110306_FULL))('%s', (name) => {
    traces ??= load(DIR_0306);
    expect(traces.names.length).toBe(898);
    const m = run(traces, '20110306', name);
    expect(asFull(m)).toEqual(CLOUDSIM_20110306_FULL[name]);
    expect(m.anomalies).toBe(0);
  });
});

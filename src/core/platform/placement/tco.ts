/**
 * Cost-of-ownership estimate: server purchase (amortised), energy (IT watts x PUE for cooling and power
 * distribution) and rack space. Every input is a labelled, editable assumption: the reference
 * (usage-models.md) gives no prices, tariffs or PUE. Watts come from the SPECpower curves (§A2) via
 * `summarise`.
 */
import { assumption, type Param } from '../model/provenance.ts';
import { t } from '../../../i18n/t.ts';
import '../../../i18n/en/platform.ts';

export interface TcoInputs {
  readonly serverPriceUsd: Param;
  readonly electricityUsdPerKWh: Param;
  readonly pue: Param;
  readonly rackUnitUsdPerYear: Param;
  readonly years: Param;
}

const p = (id: string, label: string, value: number, unit: string, note: string): Param => ({ id, label, value, unit, provenance: assumption(note) });

/** Defaults: assumptions, shown as such and editable. */
export const DEFAULT_TCO_INPUTS: TcoInputs = {
  serverPriceUsd: p('tco.server-price', t('platform.tco.serverPriceUsd'), 3000, 'USD', t('platform.tco.serverPriceUsd2')),
  electricityUsdPerKWh: p('tco.tariff', t('platform.tco.electricityUsdPerKWh'), 0.1, 'USD/kWh', t('platform.tco.electricityUsdPerKWh2')),
  pue: p('tco.pue', t('platform.tco.pue'), 2.0, 'ratio', t('platform.tco.pue2')),
  rackUnitUsdPerYear: p('tco.rack-unit', t('platform.tco.rackUnitUsdPerYear'), 100, 'USD/U/year', t('platform.tco.rackUnitUsdPerYear2')),
  years: p('tco.years', 'Period', 3, 'years', t('platform.tco.years')),
};

export interface TcoServer {
  readonly watts: number;
  readonly rackUnits: number;
}

export interface TcoBreakdown {
  readonly servers: number;
  readonly serversUsd: number;
  readonly energyKWh: number;
  readonly energyUsd: number;
  readonly rackUnits: number;
  readonly rackUsd: number;
  readonly totalUsd: number;
  /** The arithmetic, for "click a number to see its formula". */
  readonly formula: string;
}

const HOURS_PER_YEAR = 8760; // 365 x 24

/** TCO over `years` for the running servers (those drawing power); `watts` held constant over the period. */
export function tco(servers: readonly TcoServer[], inp: TcoInputs = DEFAULT_TCO_INPUTS): TcoBreakdown {
  const n = servers.length;
  const itWatts = servers.reduce((s, x) => s + x.watts, 0);
  const years = inp.years.value;
  const energyKWh = (itWatts * inp.pue.value * HOURS_PER_YEAR * years) / 1000;
  const energyUsd = energyKWh * inp.electricityUsdPerKWh.value;
  const serversUsd = n * inp.serverPriceUsd.value;
  const rackUnits = servers.reduce((s, x) => s + x.rackUnits, 0);
  const rackUsd = rackUnits * inp.rackUnitUsdPerYear.value * years;
  return {
    servers: n,
    serversUsd,
    energyKWh,
    energyUsd,
    rackUnits,
    rackUsd,
    totalUsd: serversUsd + energyUsd + rackUsd,
    formula: t('platform.tco.formula', { n, value: inp.serverPriceUsd.value, itWatts: itWatts.toFixed(1), value2: inp.pue.value, years, value22: inp.electricityUsdPerKWh.value, rackUnits, value222: inp.rackUnitUsdPerYear.value, years2: years }),
  };
}

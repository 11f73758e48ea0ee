/**
 * Which catalogue programs have a paravirtual port (guest/paravirt/*.s, embedded in
 * ../../scenarios/paravirt-sources.generated.ts). One table, used by the Software vs hardware comparison
 * (../compare.ts) and by the Rings & VMX lab's paravirtual platform (../../session/session.ts), so the two
 * cannot disagree about which program the paravirtual VMM runs.
 *
 * A program without a port runs unmodified on the paravirtual VMM, which crashes it at its first privileged
 * instruction: the white paper's §3.1.1 point that paravirtualization cannot host unmodified guests.
 */
import { PARAVIRT_SOURCES } from '../../scenarios/paravirt-sources.generated.ts';
import { PV_PORTS } from './port-ids.ts';
export { PV_PORTS };

/** The port of scenario `id` (file under guest/ and text), or null when it has none. */
export function paravirtPortOf(id: string): { file: string; source: string } | null {
  const f = PV_PORTS[id];
  if (f === undefined) return null;
  const source = PARAVIRT_SOURCES[f];
  return source === undefined ? null : { file: `paravirt/${f}`, source };
}

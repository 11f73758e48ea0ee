/**
 * What the clients of a migrating VM see (usage-models.md §B1, §C).
 *
 * The VM keeps its IP and MAC, and the unsolicited ARP (§B1) / QEMU self-announce (§B2) redirects traffic,
 * so TCP connections and SIP dialogs survive: a client sees a media gap of downtime + the time until the
 * network has learned the new location, and reconnects only if that gap reaches one of its own timeouts.
 */
import type { MigrationResult } from './engine.ts';

/** SIP T1 = 500 ms, the RTT estimate; UDP requests are first retransmitted after T1 (Timer A/E, RFC 3261, §C). */
export const SIP_T1_MS = 500;
/** Timer B (INVITE) = Timer F (non-INVITE) = 64 x T1 = 32 s: a transaction times out (RFC 3261, §C). */
export const SIP_TIMER_B_MS = 64 * SIP_T1_MS;

export type ClientSession =
  /** An established SIP call: RTP media flows peer to peer; SIP signalling only notices a dead server via a
   * transaction timeout (Timer B/F, §C). Session-timer / qualify values were not found in the reference (§C). */
  | { kind: 'sip-call'; id: string; timeoutMs?: number }
  /**
   * A streaming session (video/voice). MODEL ASSUMPTION: the client's give-up timeout (player buffer, TCP
   * user timeout) is not in the reference; the caller supplies it and the UI lets the user edit it.
   */
  | { kind: 'stream'; id: string; timeoutMs: number };

export interface ClientOutcome {
  id: string;
  kind: ClientSession['kind'];
  /** Media gap the client sees: downtime + ARP propagation. */
  gapMs: number;
  timeoutMs: number;
  /** The gap reached the client's timeout: it tears down and reconnects. */
  reconnect: boolean;
  /** SIP over UDP: a request in flight during the gap is retransmitted (gap > T1), but not lost. */
  sipRetransmission: boolean;
}

export interface ClientView {
  downtimeMs: number;
  arpDelayMs: number;
  gapMs: number;
  sessions: ClientOutcome[];
}

/**
 * For post-copy, the VM runs at the destination after its (short) downtime; its degradation period is
 * slower service, not a gap, and is reported separately by the engine.
 */
export function clientView(result: Pick<MigrationResult, 'downtimeMs' | 'arpDelayMs'>, sessions: readonly ClientSession[]): ClientView {
  const gapMs = result.downtimeMs + result.arpDelayMs;
  return {
    downtimeMs: result.downtimeMs,
    arpDelayMs: result.arpDelayMs,
    gapMs,
    sessions: sessions.map((s) => {
      const timeoutMs = s.kind === 'sip-call' ? (s.timeoutMs ?? SIP_TIMER_B_MS) : s.timeoutMs;
      return {
        id: s.id,
        kind: s.kind,
        gapMs,
        timeoutMs,
        reconnect: gapMs >= timeoutMs,
        sipRetransmission: s.kind === 'sip-call' && gapMs > SIP_T1_MS,
      };
    }),
  };
}

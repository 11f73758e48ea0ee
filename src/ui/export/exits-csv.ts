/**
 * The exit log as CSV (RFC 4180: CRLF line ends, fields with a comma, quote or line break quoted, quotes
 * doubled), from the JSON trace (docs/trace-format.md): one row per `vmexit` record, in order.
 */
export const EXIT_CSV_COLUMNS = ['index', 'cycle', 'cpu', 'reason', 'name', 'qualification', 'instruction_length', 'guest_eip', 'vmcs', 'entry_failure'] as const;

const field = (v: unknown): string => {
  const s = v === undefined || v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function exitsCsv(traceJsonLines: string): string {
  const rows: string[] = [EXIT_CSV_COLUMNS.join(',')];
  let k = 0;
  for (const line of traceJsonLines.split('\n')) {
    if (line.trim() === '') continue;
    const r = JSON.parse(line) as Record<string, unknown>;
    if (r.type !== 'vmexit') continue;
    rows.push([k++, r.cycle, r.cpu, r.reason, r.name, r.qualification, r.instructionLength, r.guestEip, r.vmcs, r.entryFailure === true ? 'yes' : ''].map(field).join(','));
  }
  return rows.join('\r\n') + '\r\n';
}

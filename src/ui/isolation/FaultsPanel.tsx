/** Faults (placeholder while it is being built). */
export function FaultsPanel() {
  return <p role="note">Faults: not in this version yet.</p>;
}

/** Overhead (placeholder while it is being built). */
export function OverheadPanel() {
  return <p role="note">Overhead: not in this version yet.</p>;
}

/** Shared device (placeholder while it is being built). */
export function SriovPanel() {
  return <p role="note">Shared device: not in this version yet.</p>;
}

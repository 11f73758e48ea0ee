/** Access control (placeholder while it is being built). */
export function AccessPanel() {
  return <p role="note">Access control: not in this version yet.</p>;
}

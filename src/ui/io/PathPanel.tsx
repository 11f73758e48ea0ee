/** I/O path (placeholder while it is being built). */
export function PathPanel() {
  return <p role="note">I/O path: not in this version yet.</p>;
}

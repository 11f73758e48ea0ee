/** Resources (placeholder while it is being built). */
export function ResourcesPanel() {
  return <p role="note">Resources: not in this version yet.</p>;
}

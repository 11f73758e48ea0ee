/** Attack surface (placeholder while it is being built). */
export function SurfacePanel() {
  return <p role="note">Attack surface: not in this version yet.</p>;
}

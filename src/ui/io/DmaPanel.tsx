/** DMA remapping (placeholder while it is being built). */
export function DmaPanel() {
  return <p role="note">DMA remapping: not in this version yet.</p>;
}

/** The VMM controls a student can flip (wired to the VMM settings in the next step). */
export function ControlsTab() {
  return <div className="models-tab">The VMM's execution controls.</div>;
}

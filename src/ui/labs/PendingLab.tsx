/** A lab of the navigation that this version does not have yet: says so plainly, and what it will show. */
import type { LabInfo } from '../../state/labs.ts';
import { useApp } from '../../state/store.ts';

export function PendingLab({ lab }: { lab: LabInfo }) {
  const setLab = useApp((s) => s.setLab);
  return (
    <div className="pending">
      <h1>{lab.title}</h1>
      <p>{lab.summary}</p>
      <p>
        <strong>White paper:</strong> {lab.paper}.
      </p>
      <p role="note">
        This lab is not in this version of VT Lab yet. The simulator below keeps running the scenario you loaded, and the{' '}
        <a href="#/rings" onClick={(e) => { e.preventDefault(); setLab('rings'); }}>
          Rings &amp; VMX lab
        </a>{' '}
        shows its events.
      </p>
    </div>
  );
}

/**
 * Rings & VMX: a real guest kernel under the VMM (or on bare metal), its events listed as they happen,
 * the machine's state at the current position, and the console. Issue 4 adds the ring diagram, the
 * code panel and the VMCS inspector on top of this.
 */
import { useEffect } from 'react';
import { useApp } from '../../state/store.ts';
import { commands } from '../engine/client.ts';
import { EventKind } from '../../core/trace/events.ts';
import { SessionControls } from './SessionControls.tsx';
import { MachinePanel } from './MachinePanel.tsx';
import { EventLogView } from '../viz/EventLogView.tsx';
import { EventDetails } from './EventDetails.tsx';
import { ConsolePanel } from './ConsolePanel.tsx';
import { reducedMotion } from '../shell/prefs-effects.ts';

/** The transitions this view animates: Play holds on each so it can be seen. */
const HELD_KINDS = [EventKind.VMEXIT, EventKind.VMENTRY, EventKind.EVENT_DELIVERY, EventKind.IRET, EventKind.FAR_TRANSFER, EventKind.VMFAIL];

export function RingsLab() {
  const animationMs = useApp((s) => s.animationMs);
  const status = useApp((s) => s.status !== null);
  const motion = useApp((s) => s.motion);
  useEffect(() => {
    if (!status) return;
    // Reduced motion keeps the pause (time to read the highlighted step) but nothing moves.
    void commands.setHold(HELD_KINDS, animationMs);
  }, [animationMs, status, motion]);
  void reducedMotion;
  return (
    <>
      <div className="lab-title">
        <h1>Rings &amp; VMX</h1>
        <p>A real kernel under a VT-x hypervisor: every VM exit, VMM handler and VM entry, as it happens.</p>
      </div>
      <div className="lab">
        <div className="col scroll">
          <SessionControls />
          <MachinePanel />
        </div>
        <div className="col">
          <EventLogView />
        </div>
        <div className="col">
          <EventDetails />
          <ConsolePanel />
        </div>
      </div>
    </>
  );
}

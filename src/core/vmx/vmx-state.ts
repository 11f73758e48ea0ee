/**
 * Per-processor VMX state (SDM Vol. 3C Ch. 23–24): whether the processor is in VMX operation, in root
 * or non-root operation, the VMXON pointer, the current-VMCS pointer, and — while in non-root
 * operation — the VM-execution controls the processor consults on every sensitive instruction.
 *
 * Real processors cache the controls of the current VMCS at VM entry (software cannot change them while
 * the guest runs: VMWRITE from non-root operation causes a VM exit), so this copy is exact.
 * Plain data only: it is part of the processor snapshot.
 */
export interface VmxCpuState {
  /** In VMX operation (after VMXON, before VMXOFF). */
  on: boolean;
  /** In VMX non-root operation. */
  nonRoot: boolean;
  /** Physical address of the VMXON region; -1 when not in VMX operation. */
  vmxonPtr: number;
  /** Current-VMCS pointer; -1 stands for FFFFFFFF_FFFFFFFFH (no current VMCS). */
  vmcsPtr: number;
  /** Incremented on every VMXON, to recognise "VMRESUME after VMXOFF" (VM-instruction error 6). */
  vmxonEpoch: number;

  // ---- controls cached at VM entry (valid while nonRoot)
  pin: number;
  proc: number;
  /** Secondary controls, or 0 when "activate secondary controls" is 0 (SDM Vol. 3C §24.6.2). */
  proc2: number;
  exitControls: number;
  entryControls: number;
  exceptionBitmap: number;
  pfecMask: number;
  pfecMatch: number;
  cr0Mask: number;
  cr0Shadow: number;
  cr4Mask: number;
  cr4Shadow: number;
  cr3TargetCount: number;
  cr3Targets: number[];
  ioBitmapA: number;
  ioBitmapB: number;
  msrBitmap: number;
  /** TSC offset as a signed number (fits: |offset| < 2^53 is assumed; larger offsets are clamped). */
  tscOffset: number;
  eptEnabled: boolean;
  /** EPTP low/high halves. */
  eptpLo: number;
  eptpHi: number;
  vpid: number;
  unrestrictedGuest: boolean;
  /** VMX-preemption timer active, and the cycle at which it reaches zero. */
  preemptionTimer: boolean;
  preemptionDeadline: number;
  /** Monitor trap flag control, and an MTF VM exit pending after the last instruction. */
  mtf: boolean;
  mtfPending: boolean;
  /** Virtual-NMI blocking (when the "virtual NMIs" control is 1). */
  virtualNmiBlocked: boolean;
  /** PAUSE-loop exiting (SDM Vol. 3C §25.1.3): PLE_Gap and PLE_Window cached at entry, the TSC of the
   * previous PAUSE at CPL 0 and of the first PAUSE of the current loop (-1 = none since VM entry). */
  pleGap: number;
  pleWindow: number;
  plePrev: number;
  pleFirst: number;
  /** Cycle of the last VM entry (for the preemption timer's "save value" and statistics). */
  entryCycle: number;
  /**
   * The event VM entry is injecting, in interruption-information format, while its delivery runs (0
   * otherwise), and its VM-entry instruction length: a VM exit during that delivery reports the length
   * (SDM Vol. 3C §27.2.4: "If the original event was injected as part of VM entry, this field receives the
   * value of the VM-entry instruction length").
   */
  injectedInfo: number;
  injectedLen: number;
  /**
   * Debug exceptions pending at the next VM exit, in pending-debug-exceptions format (B3–B0, bit 12, BS):
   * a single-step trap that coincides with a monitor-trap-flag VM exit is not delivered but recorded here,
   * and the MTF VM exit saves it (SDM Vol. 3C §27.3.4; KUT vmx_mtf_test). Cleared by every VM exit.
   */
  pendingDebug: number;
}

export function createVmxCpuState(): VmxCpuState {
  return {
    on: false,
    nonRoot: false,
    vmxonPtr: -1,
    vmcsPtr: -1,
    vmxonEpoch: 0,
    pin: 0,
    proc: 0,
    proc2: 0,
    exitControls: 0,
    entryControls: 0,
    exceptionBitmap: 0,
    pfecMask: 0,
    pfecMatch: 0,
    cr0Mask: 0,
    cr0Shadow: 0,
    cr4Mask: 0,
    cr4Shadow: 0,
    cr3TargetCount: 0,
    cr3Targets: [0, 0, 0, 0],
    ioBitmapA: 0,
    ioBitmapB: 0,
    msrBitmap: 0,
    tscOffset: 0,
    eptEnabled: false,
    eptpLo: 0,
    eptpHi: 0,
    vpid: 0,
    unrestrictedGuest: false,
    preemptionTimer: false,
    preemptionDeadline: Infinity,
    mtf: false,
    mtfPending: false,
    virtualNmiBlocked: false,
    entryCycle: 0,
    pleGap: 0,
    pleWindow: 0,
    plePrev: -1,
    pleFirst: -1,
    injectedInfo: 0,
    injectedLen: 0,
    pendingDebug: 0,
  };
}

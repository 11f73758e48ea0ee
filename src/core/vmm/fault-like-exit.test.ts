/**
 * EPT violations are fault-like VM exits: the guest state they save is the state before the instruction (SDM
 * Vol. 3C §27.1), so an instruction that had already pushed part of its data when a later stack slot violated
 * EPT leaves the saved guest RSP where it was — and the host RSP the exit loaded untouched. (Found by comparing
 * eager and deferred VM exits under random guest code, vmm/resident.test.ts: the fault's ESP restore used to land
 * in the host's RSP.)
 */
import { describe, expect, test } from 'vitest';
import { getCpuModel, toProcessorModel } from '../cpu-models/index.ts';
import { guestCostsFor } from '../cost/model.ts';
import { assemble } from '../x86/asm/index.ts';
import { VO, vr } from '../vmx/vmcs.ts';
import { VmExitReason } from '../vmx/spec/exit-reasons.ts';
import { JsonSink, type TraceRecord } from '../trace/json.ts';
import { Hypervisor } from './hypervisor.ts';
import { GUEST_AREA_START } from './host.ts';

const LOAD = 0x10000;
// Guest-physical 4 and 0 are guest RAM; the slot below, FFFFFFFCH, is outside the VM's memory: an EPT violation.
// [instruction, ESP before it]: the first slots fit, a later one does not.
const CASES: Array<[string, string, number]> = [
  ['PUSHAD', 'pushad', 8],
  ['ENTER with nesting level 3', 'enter 0, 3', 8],
  ['far CALL (CS fits, the return EIP does not)', 'call 0x10:0x10020', 4],
  ['POP to a memory operand outside the VM (ESP already moved)', 'pop dword [0xfffffff0]', 8],
];

describe.each(['nehalem', 'modern'])('EPT violation part-way through a stack push on %s', (cpu) => {
  test.each(CASES)('%s: saved guest RSP is the value before the instruction; host RSP intact', (_name, insn, esp) => {
    const src = `bits 32\nmov esp, ${esp}\n${insn}\nhlt\n`;
    const asm = assemble(src, { origin: LOAD });
    if (!asm.ok) throw new Error(asm.errors.map((e) => e.message).join('; '));
    for (const defer of [false, true]) {
      const exits: TraceRecord[] = [];
      const h = new Hypervisor(toProcessorModel(getCpuModel(cpu)!), {
        hostMemoryBytes: GUEST_AREA_START + 4 * 1048576,
        costs: guestCostsFor(cpu),
        deferHostState: defer,
        trace: new JsonSink((r) => r.type === 'vmexit' && exits.push(r)),
      });
      const vm = h.createVm({ name: 'g', memoryBytes: 4 * 1048576, vcpus: 1 }, LOAD);
      vm.mem.load(LOAD, asm.bytes);
      h.cache.clear();
      h.run(1000);
      const ept = exits.filter((e) => e.reason === VmExitReason.EPT_VIOLATION);
      expect(ept.length, `${insn}: one EPT violation (defer ${defer})`).toBeGreaterThan(0);
      const last = ept[ept.length - 1];
      const c = h.cpus[0];
      const vmcs = vm.vcpus[0].vmcs;
      // The VMM stopped the VM for the access outside its memory; the VMCS keeps what the exit saved.
      expect(vr(c, vmcs, VO.GUEST_RSP) >>> 0, `saved guest RSP (defer ${defer})`).toBe(esp);
      expect(vr(c, vmcs, VO.GUEST_RIP) >>> 0).toBe(Number.parseInt(String(last.guestEip), 16));
      expect(c.vmx.nonRoot).toBe(false);
      expect(c.regs[4] >>> 0, `host RSP (defer ${defer})`).toBe(vr(c, vmcs, VO.HOST_RSP) >>> 0);
    }
  });
});

/**
 * Messages the core makes at run time (assembler diagnostics, VMM stop reasons and explanations, run-spec
 * errors) come from the catalogue (issue 8 item 7), so a translation reaches them too: here a pseudo-translation
 * that marks every asm, vmm and session message must show up in what the core returns, with the placeholders
 * filled, and English must come back when the language is switched back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { setCatalogue } from './t.ts';
import { assemble } from '../core/x86/asm/index.ts';
import { handlerInfo } from '../core/vmm/exits.ts';
import { CONTROL_WORD_INFO, diagnoseControls } from '../core/vmm/controls-check.ts';
import { describeVmmSettings, validateVmmSettings, VMM_SETTINGS_INFO } from '../core/vmm/settings.ts';
import { getCpuModel, toProcessorModel } from '../core/cpu-models/index.ts';
import { resolveSpec } from '../core/session/session.ts';
import { scenarioParameters } from '../core/scenarios/parameters.ts';
import { parseLabHeader } from '../core/lab/header.ts';
import { marked, pseudo } from '../test-support/pseudo-catalogue.ts';

afterEach(() => setCatalogue(null, 'en'));

describe('core messages follow the active catalogue', () => {
  it('assembler diagnostics', () => {
    const src = 'mvo eax, 1\nmov al, 300\nadd [ebx], 1\n';
    const english = assemble(src);
    expect(english.ok).toBe(false);
    setCatalogue(pseudo('asm'), 'xx');
    const translated = assemble(src);
    if (english.ok || translated.ok) throw new Error('expected errors');
    expect(translated.errors.map((e) => [e.line, e.column])).toEqual(english.errors.map((e) => [e.line, e.column]));
    for (const e of translated.errors) expect(marked(e.message), e.message).toBe(true);
    // Placeholders are filled with the same code pieces the English message quotes.
    expect(translated.errors[0].message).toBe(`‹${english.errors[0].message}›`);
    setCatalogue(null, 'en');
    expect(assemble(src)).toEqual(english);
  });

  it('VMM handler descriptions, control-word titles, setting labels and explanations', () => {
    const model = toProcessorModel(getCpuModel('xeon-lv')!);
    const englishDoes = handlerInfo(10).does;
    const englishTitle = CONTROL_WORD_INFO.primary.title;
    setCatalogue(pseudo('vmm'), 'xx');
    expect(handlerInfo(10)).toEqual({ name: 'handle_cpuid', does: `‹${englishDoes}›` });
    expect(handlerInfo(999).name).toBe('handle_unexpected');
    expect(marked(handlerInfo(999).does)).toBe(true);
    expect(CONTROL_WORD_INFO.primary.title).toBe(`‹${englishTitle}›`);
    for (const info of VMM_SETTINGS_INFO) expect(marked(info.label), info.key).toBe(true);
    const d = describeVmmSettings({ hltExiting: false, ioPassthroughPorts: [0x3f8] }, model);
    for (const s of d.settings) expect(marked(s.explanation), s.key).toBe(true);
    expect(d.settings.find((s) => s.key === 'ioPassthroughPorts')!.explanation).toBe('‹1 port(s) do not exit; every other IN/OUT exits (reason 30).›');
    // A control word the model forbids: the violation sentence is translated, the SDM names inside are not.
    const v = diagnoseControls(model, { pin: 0, primary: 0, secondary: 0, exit: 0, entry: 0 });
    expect(v.length).toBeGreaterThan(0);
    for (const x of v) expect(marked(x.message), x.message).toBe(true);
    const bad = validateVmmSettings({ hltExiting: 'yes' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors[0].message).toBe('‹‹HLT exiting› must be true or false›');
  });

  it('run-spec errors and scenario parameter descriptions', () => {
    setCatalogue(pseudo('session'), 'xx');
    const r = resolveSpec({ scenario: 'no-such-scenario', seed: 1, insnEvents: false });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0].message).toBe("‹unknown scenario 'no-such-scenario'›");
    const params = scenarioParameters('timer-interrupt');
    expect(params.length).toBeGreaterThan(0);
    for (const p of params) expect(marked(p.description), p.name).toBe(true);
    const h = parseLabHeader('; @mode xx\nnop');
    expect(h.ok).toBe(false);
    if (!h.ok) expect(h.errors[0]).toMatchObject({ line: 1, message: "‹@mode must be 'guest' or 'bare', not 'xx'›" });
  });
});

/**
 * The tour file format (src/tours/data/*.json). A tour follows one part of the white paper: narration steps,
 * each with the lab state it shows (a VT Lab link, so a step is exactly a scene a user could share), and a few
 * questions at the end. Parsed strictly (zod), so a typo in a tour file is a test failure naming the field,
 * not a blank panel in front of a class.
 *
 *   step.link     a VT Lab link (#/lab?…) the step opens; omitted: the step keeps the current state
 *   step.waitFor  the step is complete only after the simulation shows an event of one of these kinds
 *                 (after the step was entered), e.g. "continue when the first VM exit happens"; VM exits whose
 *                 basic reason is in `skipReasons` do not count (the step is about a later exit)
 *   step.notes    presenter notes (shown only in the presenter window)
 *   question.live the answer can be checked on the live simulation: open `link`, then run to the next event
 *                 of `kinds` (passing over exits whose basic reason is in `skipReasons`) and read what happened
 *                 (tours.test.ts checks every key against the core)
 */
import { z } from 'zod';
import { EventKind } from '../core/trace/events.ts';

/** Event kinds a step may wait for (names of core/trace/events.ts EventKind). */
export const WAITABLE_KINDS = ['VMEXIT', 'VMM_HANDLER', 'VMENTRY', 'VMFAIL', 'SW_TRAP', 'EVENT_DELIVERY', 'CR_WRITE', 'SHUTDOWN', 'HALT'] as const;
export type WaitableKind = (typeof WAITABLE_KINDS)[number];
/** The core's number for each waitable kind (EventKind is a const enum: no lookup by name at run time). */
export const EVENT_KIND_OF: Record<WaitableKind, number> = {
  VMEXIT: EventKind.VMEXIT,
  VMM_HANDLER: EventKind.VMM_HANDLER,
  VMENTRY: EventKind.VMENTRY,
  VMFAIL: EventKind.VMFAIL,
  SW_TRAP: EventKind.SW_TRAP,
  EVENT_DELIVERY: EventKind.EVENT_DELIVERY,
  CR_WRITE: EventKind.CR_WRITE,
  SHUTDOWN: EventKind.SHUTDOWN,
  HALT: EventKind.HALT,
};

const text = z.string().min(1).max(1200);

const step = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{1,40}$/),
  title: z.string().min(1).max(90),
  body: z.array(text).min(1).max(6),
  notes: z.string().max(1500).optional(),
  link: z.string().regex(/^#\/[a-z-]+(\?.*)?$/, 'must be a VT Lab link (#/lab?…)').optional(),
  waitFor: z
    .strictObject({
      kinds: z.array(z.enum(WAITABLE_KINDS)).min(1),
      /** What to tell the user while waiting (which button or key makes it happen). */
      prompt: text,
      /**
       * Basic exit reasons that do not end the wait (e.g. 48: the EPT violations a guest takes as its pages are first
       * touched, before the exit the step is about): a VM exit with one of them is passed over.
       */
      skipReasons: z.array(z.number().int().min(0).max(77)).max(8).optional(),
    })
    .optional(),
});

const question = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9-]{1,40}$/),
    prompt: text,
    choices: z.array(z.string().min(1).max(200)).min(2).max(6),
    answer: z.number().int().min(0),
    explanation: text,
    live: z
      .strictObject({
        link: z.string().regex(/^#\/rings\?.*$/, 'a live question opens the Rings & VMX lab'),
        kinds: z.array(z.enum(WAITABLE_KINDS)).min(1),
        /** Basic exit reasons passed over on the way (e.g. 48: EPT violations as pages are first touched). */
        skipReasons: z.array(z.number().int().min(0).max(77)).max(8).optional(),
      })
      .optional(),
  })
  .refine((q) => q.answer < q.choices.length, { message: 'answer must index one of the choices', path: ['answer'] });

export const tourSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{1,40}$/),
  title: z.string().min(1).max(80),
  /** The white paper section(s) the tour follows. */
  paper: z.string().min(1).max(120),
  summary: z.string().min(1).max(300),
  steps: z.array(step).min(2).max(20),
  questions: z.array(question).min(1).max(6),
});

export type Tour = z.infer<typeof tourSchema>;
export type TourStep = Tour['steps'][number];
export type TourQuestion = Tour['questions'][number];

/** A tour file, checked; the message names the field that is wrong. */
export function parseTour(data: unknown, file: string): { ok: true; tour: Tour } | { ok: false; message: string } {
  const r = tourSchema.safeParse(data, { reportInput: true });
  if (r.success) return { ok: true, tour: r.data };
  const i = r.error.issues[0];
  // zod's own words for a missing field ('expected string, received undefined') are replaced (found by fuzzing).
  const what = i.code === 'invalid_type' && i.input === undefined ? 'is missing' : i.message;
  return { ok: false, message: `${file}: ${i.path.join('.') || '(tour)'} ${what}` };
}

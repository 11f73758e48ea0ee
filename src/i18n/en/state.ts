/**
 * Strings of the app state: the labs' titles, summaries and white-paper sections (src/state/labs.ts), the views
 * of the tabbed labs, and what an import of the user's data file says when the file is refused
 * (src/state/persist/format.ts). English source; keys are stable, text is what a translator changes.
 */
export const state = {
  // The labs, in the white paper's order (labs.ts): navigation title, one-line summary, where the paper says it
  'lab.rings.title': 'Rings & VMX',
  'lab.rings.summary': 'Privilege rings without a VMM, with a software VMM and with VT-x: every VM exit and VM entry of a real guest kernel, as it happens.',
  'lab.rings.paper': 'Sections 3.1–3.2, Table 1, Figures 2 and 3',
  'lab.techniques.title': 'Software vs hardware',
  'lab.techniques.summary': 'The same guest under trap-and-emulate, binary translation, paravirtualization, VT-x with shadow paging and VT-x with EPT: correctness and cost side by side.',
  'lab.techniques.paper': 'Sections 3.1, 3.1.1 and 3.2.1',
  'lab.isolation.title': 'Isolation',
  'lab.isolation.summary': 'A crash stays inside its VM: faults injected into one VM on the VMX core, the others keep running; CPU shares, caps and a noisy neighbour against the PBX.',
  'lab.isolation.paper': 'Section 3.3.1, Workload Isolation',
  'lab.failover.title': 'Fail-over',
  'lab.failover.summary': 'A replicated SIP PBX: the standby VM takes over when the active one fails.',
  'lab.failover.paper': 'Section 3.3.1, Workload Isolation (fail-over of a replicated PBX)',
  'lab.consolidation.title': 'Consolidation',
  'lab.consolidation.summary': 'Many servers onto few hosts: placement, dynamic CPU, memory and I/O allocation, power and cost.',
  'lab.consolidation.paper': 'Section 3.3.2, Workload Consolidation',
  'lab.migration.title': 'Migration',
  'lab.migration.summary': 'Live migration of a running VM without clients reconnecting.',
  'lab.migration.paper': 'Section 3.3.3, Workload Migration',
  'lab.security.title': 'Security',
  'lab.security.summary': 'Per-VM access control for the functional groups sharing the server, and what a guest can make the VMM do.',
  'lab.security.paper': 'Section 3.3.4, Security',
  'lab.io.title': 'I/O',
  'lab.io.summary': 'The limits: one packet through an emulated device, a paravirtual ring and a VT-d assigned device; DMA remapping and its fault records; a shared SR-IOV device; the VMM overhead.',
  'lab.io.paper': 'Section 3.3.5, Limitation of Current Intel VT Architecture',

  // The views of the tabbed labs (labs.ts LAB_TABS): tab labels
  'tab.isolation.faults': 'Faults',
  'tab.isolation.resources': 'Resources',
  'tab.security.access': 'Access control',
  'tab.security.surface': 'Attack surface',
  'tab.io.path': 'I/O path',
  'tab.io.dma': 'DMA remapping',
  'tab.io.sriov': 'Shared device',
  'tab.io.overhead': 'Overhead',

  // An imported data file that is refused (persist/format.ts): "<where>: <problem>", e.g. "drafts › cpuid › text: is longer than …"
  'persist.theFile': 'the file',
  'persist.shortId': 'must be a short id (letters, digits, . _ -)',
  'persist.tooLong': 'is longer than {max} characters',
  'persist.atLeast': 'must be at least {min}',
  'persist.atMost': 'must be at most {max}',
  'persist.tooManyDrafts': 'has more than {max} drafts',
  'persist.tooManyTours': 'has more than {max} tours',
  'persist.notApp': "is not '{app}': this is not a VT Lab data file",
  'persist.notKind': "is not '{kind}': this VT Lab file is not a data export (try Share ▸ Import… for traces and images)",
  'persist.notVersion': 'is not {version}: this file comes from another version of VT Lab',
  'persist.invalidKey': 'is not a valid name (a short id: letters, digits, . _ -)',
  'persist.missing': 'is missing (it should be {expected})',
  'persist.wrongType': 'is {got}, where {expected} belongs',
  /** A type named in the two messages above: "a string", "an object" (the code picks `an` before a vowel). */
  'persist.aNoun': 'a {noun}',
  'persist.anNoun': 'an {noun}',
  'persist.recordNoun': 'list of named entries',
  'persist.tooBig': 'the file is larger than {mb} MB; a VT Lab data file is far smaller',
  'persist.notJson': 'the file is not JSON ({error})',
  'persist.notObject': 'the file is JSON but not an object: not a VT Lab data file',
  'persist.moreProblems': '… and {n} more problems',
} as const;

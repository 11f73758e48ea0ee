/**
 * Bibliography for the cost figures in `figures.ts`. One constant per source; each figure's `source`
 * string is one of these plus the exact table/page/line it was read from. Where a paper was read from a
 * copy kept in a public GitHub repository, the copy is named as `owner/repo@commit:path` (the commit the
 * copy was read at). Full notes, the search log and what could not be found: docs/sources/costs.md.
 */

export const SRC_AGESEN_2012 =
  'Agesen, Mattson, Rugina, Sheldon (VMware), "Software Techniques for Avoiding Hardware Virtualization Exits", ' +
  'USENIX ATC 2012 (https://www.usenix.org/conference/atc12/technical-sessions/presentation/agesen); ' +
  'read from meowdiocre/JohnSmith@83e4f5487a4d41a90b5b0d1509e1026c5501f9a4:static/docs/atc12-avoiding-hardware-virtualization-exits.pdf';

export const SRC_ADAMS_AGESEN_2006 =
  'Adams, Agesen (VMware), "A Comparison of Software and Hardware Techniques for x86 Virtualization", ' +
  'ASPLOS XII, 2006, DOI 10.1145/1168857.1168860; ' +
  'read from iitd-plos/iitd-plos.github.io@2441d3c79bbd3af4d46995038fbfbb5c4c7b6c40:col718/ref/asplos235_adams.pdf';

export const SRC_BHARGAVA_2008 =
  'Bhargava, Serebrin, Spadini, Manne (AMD), "Accelerating Two-Dimensional Page Walks for Virtualized Systems", ' +
  'ASPLOS XIII, 2008, pp. 26-35; ' +
  'read from iitd-plos/iitd-plos.github.io@2441d3c79bbd3af4d46995038fbfbb5c4c7b6c40:col718/ref/p26-bhargava.pdf';

export const SRC_AGNER_TABLES =
  'Agner Fog, "Instruction tables" (manual 4), edition last updated 2021-08-17 (https://www.agner.org/optimize/); ' +
  'read from wangjia184/cpu-cache-test@5b3d5d7006913f3a0e1a2eeef9f19b9c2bf0b0e9:instruction_tables.pdf';

export const SRC_AGNER_MICROARCH =
  'Agner Fog, "The microarchitecture of Intel, AMD and VIA CPUs" (manual 3), edition last updated 2020-03-08; ' +
  'read from sarangbaheti/x86-64@d5a20d3d928fe66750388d4fbf0abd1c7ccf0bf4:misc/microarchitecture.pdf';

export const SRC_SPLITX_2011 =
  'Landau, Ben-Yehuda, Gordon (IBM Research Haifa), "SplitX: Split Guest/Hypervisor Execution on Multi-Core", ' +
  'WIOV 2011; text read at https://m.moam.info/splitx-split-guest-hypervisor-execution-on-multi-core-usenix_59e5379e1723ddf9a2a71953.html';

export const SRC_ARS_PENRYN_2007 =
  'Ars Technica report of Intel (P. Gelsinger) Penryn briefing, reproduced by vmblog.com 2007-03-29, ' +
  '"Intel spills beans on Core 2 successor" (https://vmblog.com/archive/2007/03/29/intel-spills-beans-on-core-2-successor.aspx)';

export const SRC_HWINFO_IDF08 =
  'hardware.info, "IDF08: Intel Nehalem in-depth preview", page "Virtualisatie" (Dutch), 2008 ' +
  '(https://hardware.info/artikel/1378/10/idf08-intel-nehalem-in-depth-preview-virtualisatie.html)';

export const SRC_INTEL_BLOG_2009 =
  'Intel Software blog, "Virtualization and Performance: Understanding VM Exits", 2009-06-25 ' +
  '(https://software.intel.com/en-us/blogs/2009/06/25/virtualization-and-performance-understanding-vm-exits)';

export const SRC_KUT_00BFECAA =
  'kvm-unit-tests commit 00bfecaa5a4d035507086635259a0dd7e4531be (Paolo Bonzini, 2012-12-13, ' +
  '"vmexit: time the number of cycles for simple PIO"), commit message, repo kvm-unit-tests/kvm-unit-tests';

export const SRC_KUT_CFBD129C =
  'kvm-unit-tests commit cfbd129ca4c8c1d5d25d2583543f4d597e4df599 (Paolo Bonzini, 2017-06-29, ' +
  '"vmexit: add tscdeadline benchmarks"), commit message, repo kvm-unit-tests/kvm-unit-tests';

export const SRC_KUT_F2665DE7 =
  'kvm-unit-tests commit f2665de7ab1429b3322e2ab879946dcb9eb075b5 (Paolo Bonzini, 2018-01-08, ' +
  '"add vmexit tests for IBRS and IBPB"), commit message, repo kvm-unit-tests/kvm-unit-tests';

export const SRC_WANPENG_2020 =
  'Wanpeng Li, "[PATCH v2] KVM: VMX: Micro-optimize vmexit time when not exposing PMU", kvm@vger.kernel.org, ' +
  '2020-03-13, Message-ID <1584071718-17163-1-git-send-email-wanpengli@tencent.com> (queued by P. Bonzini, ' +
  'Message-ID <0776e1d0-f0e0-68ef-a07c-9a4884ea1498@redhat.com>); found in a mail archive in the GitHub code index';

export const SRC_SEANJC_2024 =
  'Sean Christopherson, "Re: [PATCH v2] KVM: x86: Drop the kvm_has_noapic_vcpu optimization", kvm@vger.kernel.org, ' +
  '2024-12-12, Message-ID <Z1r-Nh0JAQdL_L8n@google.com> (quotes his 2024-12-09 message and a reply by Bernhard Kauer)';

export const SRC_BONZINI_VMX_OPT_2019 =
  'Paolo Bonzini, "[PATCH 00/43] VMX optimizations" (cover letter), kvm@vger.kernel.org, 2019 ' +
  '(date inferred from neighbouring messages in the mail archive where it was found)';

export const SRC_ACRN_RTVM =
  'Project ACRN, "Real-time VM Application Design Guidelines", ' +
  'projectacrn/acrn-hypervisor@0cb216753b28202aa367850897296ee638c48e46:doc/tutorials/rtvm_workload_design_guideline.rst, ' +
  'section "RTVM with HV Emulated Device"';

export const SRC_SHALABI_2014 =
  'Y. Shalabi, "The Cost of Virtualization Exits" (blog), 2014-12-17, ' +
  'yshalabi/yshalabi.github.io@5ceae42870b9b5a4792cefd7c338f51ba56276bd:_posts/2014-12-17-VMExits.md';

export const SRC_VMWARE_EPT_2009 =
  'VMware, "Performance Evaluation of Intel EPT Hardware Assist" (white paper, ESX builds 140815 & 136362), 2009, ' +
  'Introduction (text read at https://studylib.net/doc/10374679/ and ' +
  'https://blogs.vmware.com/performance/2009/03/performance-evaluation-of-intel-ept-hardware-assist-.html)';

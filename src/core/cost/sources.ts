/**
 * Bibliography for the cost figures in `figures.ts`. One constant per source; each figure's `source`
 * string is one of these plus the exact table/page/line it was read from. Where a paper was read from a
 * copy kept in a public GitHub repository, the copy is named as `owner/repo@commit:path` (the commit the
 * copy was read at). Full notes, the search log and what could not be found: docs/sources/costs.md.
 */

import { t } from '../../i18n/t.ts';
import '../../i18n/en/cost.ts';

export const SRC_AGESEN_2012 = t('cost.bib.srcAgesen2012');

export const SRC_ADAMS_AGESEN_2006 = t('cost.bib.srcAdamsAgesen2006');

export const SRC_BHARGAVA_2008 = t('cost.bib.srcBhargava2008');

export const SRC_AGNER_TABLES = t('cost.bib.srcAgnerTables');

export const SRC_AGNER_MICROARCH = t('cost.bib.srcAgnerMicroarch');

export const SRC_SPLITX_2011 = t('cost.bib.srcSplitx2011');

export const SRC_ARS_PENRYN_2007 = t('cost.bib.srcArsPenryn2007');

export const SRC_HWINFO_IDF08 = t('cost.bib.srcHwinfoIdf08');

export const SRC_INTEL_BLOG_2009 = t('cost.bib.srcIntelBlog2009');

export const SRC_KUT_00BFECAA = t('cost.bib.srcKut00bfecaa');

export const SRC_KUT_CFBD129C = t('cost.bib.srcKutCfbd129c');

export const SRC_KUT_F2665DE7 = t('cost.bib.srcKutF2665de7');

export const SRC_WANPENG_2020 = t('cost.bib.srcWanpeng2020');

export const SRC_SEANJC_2024 = t('cost.bib.srcSeanjc2024');

export const SRC_BONZINI_VMX_OPT_2019 = t('cost.bib.srcBonziniVmxOpt2019');

export const SRC_ACRN_RTVM = t('cost.bib.srcAcrnRtvm');

export const SRC_SHALABI_2014 = t('cost.bib.srcShalabi2014');

export const SRC_VMWARE_EPT_2009 = t('cost.bib.srcVmwareEpt2009');

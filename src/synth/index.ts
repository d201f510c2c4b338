// The pure synth core: builds every template as plain data. No AWS SDK, no file system.
import { appTemplate } from './tiers/app.js';
import { dataTemplate } from './tiers/data.js';
import { edgeTemplate } from './tiers/edge.js';
import { networkTemplate } from './tiers/network.js';
import { rootTemplate } from './tiers/root.js';
import type { SynthesizedTemplates, TierName, CfnTemplate } from './template.js';

export function synthAll(): SynthesizedTemplates {
  const tiers: Record<TierName, CfnTemplate> = {
    network: networkTemplate(),
    edge: edgeTemplate(),
    data: dataTemplate(),
    app: appTemplate(),
  };
  return { root: rootTemplate(tiers), tiers };
}

export { TIER_NAMES } from './template.js';
export type { CfnTemplate, SynthesizedTemplates, TierName } from './template.js';
export { templateFileName, stackLogicalId } from './tiers/root.js';

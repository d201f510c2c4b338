import type { IntrinsicFunction } from 'cloudform-types/types/dataTypes.js';
import type * as TemplateModule from 'cloudform-types/types/template.js';

type Template = TemplateModule.default;

/** A rule of the template's `Rules` section, which cloudform-types' Template type does not model. */
export interface TemplateRule {
  RuleCondition?: unknown;
  Assertions: { Assert: unknown; AssertDescription: string }[];
}

/** cloudform-types' Template plus `Rules`; conditions are any intrinsic (the helpers build them). */
export interface CfnTemplate extends Omit<Template, 'Conditions'> {
  Conditions?: Record<string, IntrinsicFunction>;
  Rules?: Record<string, TemplateRule>;
}

/** The nested stacks, in the order CloudFormation creates them. */
export const TIER_NAMES = ['network', 'edge', 'data', 'app'] as const;
export type TierName = (typeof TIER_NAMES)[number];

export interface SynthesizedTemplates {
  root: CfnTemplate;
  tiers: Record<TierName, CfnTemplate>;
}

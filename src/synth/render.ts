import { dump } from 'js-yaml';
import type { CfnTemplate } from './template.js';

/**
 * Template → YAML text, byte-identical for identical input. js-yaml cannot serialise class instances, so
 * the template goes through JSON first (which also calls each intrinsic's toJSON). Key order is the
 * order the code builds them in, which is fixed; long-form intrinsics keep the YAML plain.
 */
export function renderTemplate(template: CfnTemplate): string {
  return renderPlain(plainTemplate(template));
}

/** The template as the YAML holds it: intrinsics in their JSON form, no class instances. */
export function plainTemplate(template: CfnTemplate): unknown {
  return JSON.parse(JSON.stringify(template));
}

export function renderPlain(plain: unknown): string {
  return dump(plain, { noRefs: true, lineWidth: -1 });
}

// Every template rendered to its file name and text: what `synth` writes (the command does the I/O).
import { bootstrapTemplate } from './bootstrap.js';
import { plainTemplate, renderPlain } from './render.js';
import { synthAll, templateFileName, TIER_NAMES, type CfnTemplate } from './index.js';

/** The account bootstrap (GitHub OIDC role) is not part of the Metabase stack: it gets its own folder. */
export const BOOTSTRAP_TEMPLATE = 'bootstrap/github-deploy-role.yaml';

export interface RenderedFile {
  /** path under templates/ */
  name: string;
  text: string;
  /** What `text` parses back to; lets synth draw the diagrams without re-reading the YAML. */
  plain: unknown;
}

function rendered(name: string, template: CfnTemplate): RenderedFile {
  const plain = plainTemplate(template);
  return { name, text: renderPlain(plain), plain };
}

export function renderAll(): RenderedFile[] {
  const { root, tiers } = synthAll();
  return [
    rendered(templateFileName('root'), root),
    ...TIER_NAMES.map((tier) => rendered(templateFileName(tier), tiers[tier])),
    rendered(BOOTSTRAP_TEMPLATE, bootstrapTemplate()),
  ];
}

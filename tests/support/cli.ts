// Shared test helpers: a CLI runner with captured output, and plain-data views of the templates.
import { run } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import { synthAll } from '../../src/synth/index.js';
import type { CfnTemplate } from '../../src/synth/template.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A CliIo that collects what a command writes (not a terminal unless overridden). */
export function captureIo(overrides: Partial<CliIo> = {}): {
  io: CliIo;
  out: { stdout: string; stderr: string };
} {
  const out = { stdout: '', stderr: '' };
  const io: CliIo = {
    stdout: (text) => void (out.stdout += text),
    stderr: (text) => void (out.stderr += text),
    isTty: false,
    env: {},
    cwd: process.cwd(),
    ...overrides,
  };
  return { io, out };
}

export async function runCli(argv: string[], overrides: Partial<CliIo> = {}): Promise<CliResult> {
  const { io, out } = captureIo(overrides);
  const code = await run(argv, io);
  return { code, stdout: out.stdout, stderr: out.stderr };
}

export type PlainTemplate = {
  Parameters?: Record<string, Record<string, unknown>>;
  Conditions?: Record<string, unknown>;
  Resources: Record<
    string,
    {
      Type: string;
      Properties?: Record<string, unknown>;
      Condition?: string;
      DeletionPolicy?: string;
      UpdateReplacePolicy?: string;
      DependsOn?: unknown;
    }
  >;
  Outputs?: Record<string, { Value: unknown }>;
  Rules?: Record<string, unknown>;
};

/** Templates as the YAML will hold them: intrinsics turned into their JSON form. */
export function plain(template: CfnTemplate): PlainTemplate {
  return JSON.parse(JSON.stringify(template)) as PlainTemplate;
}

export function plainTemplates(): {
  root: PlainTemplate;
  network: PlainTemplate;
  edge: PlainTemplate;
  data: PlainTemplate;
  app: PlainTemplate;
} {
  const { root, tiers } = synthAll();
  return {
    root: plain(root),
    network: plain(tiers.network),
    edge: plain(tiers.edge),
    data: plain(tiers.data),
    app: plain(tiers.app),
  };
}

export function resourcesOfType(
  template: PlainTemplate,
  type: string,
): [string, PlainTemplate['Resources'][string]][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

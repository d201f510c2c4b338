// params/prod.json ships <...> placeholders for the domain, its zone and the admin; validation refuses
// them. Tests that use prod fill them in here, as a user would.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PROD_FILLED_IN = {
  DomainName: 'metabase.example.com',
  HostedZoneId: 'Z0123456789ABCDEFGHIJ',
  AdminEmail: 'ops@example.com',
} as const;

export async function prodParams(): Promise<Record<string, unknown>> {
  const shipped = JSON.parse(await readFile('params/prod.json', 'utf8')) as Record<string, unknown>;
  return { ...shipped, ...PROD_FILLED_IN };
}

/** A filled-in copy of params/prod.json, for commands that read a file (`--params <this>`). */
export async function prodParamsFile(): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'mb-prod-')), 'prod.json');
  await writeFile(file, JSON.stringify(await prodParams(), null, 2));
  return file;
}

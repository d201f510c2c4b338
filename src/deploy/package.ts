// Packaging: the nested templates go to S3 under keys derived from their bytes, so an unchanged template
// keeps its URL (CloudFormation leaves that nested stack alone) and a changed one always gets a new URL
// (the nested stack is always updated). Re-running after an interrupted upload is safe for the same reason.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dump, load } from 'js-yaml';
import type { S3Api } from '../aws/s3.js';

/** templates/ at the package root: two levels above this file in src/ and in dist/ alike. */
export const SHIPPED_TEMPLATES = fileURLToPath(new URL('../../templates/', import.meta.url));

export const ROOT_TEMPLATE = 'root.yaml';

export interface TemplateFile {
  name: string;
  bytes: Uint8Array;
}

export interface TemplateSet {
  root: TemplateFile;
  /** Nested templates by the file name the root's TemplateURL gives. */
  nested: TemplateFile[];
}

interface RootShape {
  Resources?: Record<string, { Type?: string; Properties?: { TemplateURL?: unknown } }>;
  Parameters?: Record<string, unknown>;
}

function parseRoot(bytes: Uint8Array): RootShape {
  const parsed = load(Buffer.from(bytes).toString('utf8'));
  if (typeof parsed !== 'object' || parsed === null) throw new Error(`${ROOT_TEMPLATE} is not a template`);
  return parsed;
}

/** Nested stack logical id → the local file its TemplateURL names (URLs already absolute are left). */
export function nestedTemplateFiles(root: Uint8Array): Map<string, string> {
  const files = new Map<string, string>();
  for (const [logicalId, resource] of Object.entries(parseRoot(root).Resources ?? {})) {
    const url = resource.Properties?.TemplateURL;
    if (
      resource.Type === 'AWS::CloudFormation::Stack' &&
      typeof url === 'string' &&
      !/^https?:\/\//.test(url)
    )
      files.set(logicalId, url);
  }
  return files;
}

/** The parameter names the root template declares: only those are passed to CloudFormation. */
export function rootParameterNames(root: Uint8Array): string[] {
  return Object.keys(parseRoot(root).Parameters ?? {});
}

export async function readTemplateSet(directory: string): Promise<TemplateSet> {
  const root = { name: ROOT_TEMPLATE, bytes: await readFile(join(directory, ROOT_TEMPLATE)) };
  const names = [...new Set(nestedTemplateFiles(root.bytes).values())];
  const nested = await Promise.all(
    names.map(async (name) => ({ name, bytes: await readFile(join(directory, name)) })),
  );
  return { root, nested };
}

/**
 * `<prefix>/templates/<name>-<sha256>.yaml`. The prefix is the stack's name, so that each environment's CI
 * role may write only its own keys in the shared bucket; a preview (`--no-execute`) uploads under
 * `<stack>/preview/`, which is all a pull request's role may write, so it can never replace a template
 * that a real deploy of the stack reads (templates/bootstrap/ grants exactly these prefixes).
 */
export function contentKey(file: TemplateFile, prefix?: string): string {
  const hash = createHash('sha256').update(file.bytes).digest('hex');
  return `${prefix ? `${prefix}/` : ''}templates/${file.name.replace(/\.ya?ml$/, '')}-${hash}.yaml`;
}

/** The key prefix of a stack's templates: its name, and `<name>/preview` for a preview. */
export function stackKeyPrefix(stackName: string, preview: boolean): string {
  return preview ? `${stackName}/preview` : stackName;
}

/** Path-style on an endpoint override (moto, LocalStack); the regional virtual-host URL on AWS. */
export function objectUrl(bucket: string, key: string, region: string, endpoint: string | undefined): string {
  if (endpoint) return `${endpoint.replace(/\/+$/, '')}/${bucket}/${key}`;
  const domain = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://${bucket}.s3.${region}.${domain}/${key}`;
}

/** The root template with each local TemplateURL replaced; everything else as it was. */
export function rewriteRoot(root: Uint8Array, urls: Map<string, string>): Uint8Array {
  const template = parseRoot(root);
  for (const resource of Object.values(template.Resources ?? {})) {
    const url = resource.Properties?.TemplateURL;
    if (resource.Type !== 'AWS::CloudFormation::Stack' || typeof url !== 'string') continue;
    const replacement = urls.get(url);
    if (replacement && resource.Properties) resource.Properties.TemplateURL = replacement;
  }
  return Buffer.from(dump(template, { noRefs: true, lineWidth: -1 }), 'utf8');
}

export interface UploadedTemplate {
  name: string;
  key: string;
  url: string;
  /** false when the same bytes were already there */
  uploaded: boolean;
}

export interface PackageResult {
  rootUrl: string;
  templates: UploadedTemplate[];
}

export interface PackageTarget {
  bucket: string;
  account: string;
  region: string;
  endpoint: string | undefined;
  /** Keys start with this (see contentKey); none by default. */
  keyPrefix?: string | undefined;
}

async function upload(s3: S3Api, target: PackageTarget, file: TemplateFile): Promise<UploadedTemplate> {
  const key = contentKey(file, target.keyPrefix);
  const exists = await s3.objectExists(target.bucket, key, target.account);
  if (!exists) await s3.putObject(target.bucket, key, file.bytes, target.account);
  return {
    name: file.name,
    key,
    url: objectUrl(target.bucket, key, target.region, target.endpoint),
    uploaded: !exists,
  };
}

export async function packageTemplates(
  s3: S3Api,
  target: PackageTarget,
  set: TemplateSet,
): Promise<PackageResult> {
  const nested = await Promise.all(set.nested.map((file) => upload(s3, target, file)));
  const urls = new Map(nested.map((t) => [t.name, t.url]));
  const root = await upload(s3, target, { name: set.root.name, bytes: rewriteRoot(set.root.bytes, urls) });
  return { rootUrl: root.url, templates: [...nested, root] };
}

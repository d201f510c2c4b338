// The Metabase image reference, in the template and in the deploy preview (one definition of both).
// ECS takes `repository/image:tag` or `repository/image@sha256:<64 hex>` (ECS API reference,
// ContainerDefinition image), not both at once: with a digest the tag is only a label for people and for
// the deploy command's version-change check, so keep MetabaseVersion naming the release the digest is of.
import { fnIf, sub, type IntrinsicFunction } from '../intrinsics.js';

export const METABASE_IMAGE_REPOSITORY = 'docker.io/metabase/metabase';

/** What ECS pulls: by digest when MetabaseImageDigest is set, else by tag. */
export function metabaseImageReference(version: string, digest: string): string {
  return digest === '' ? `${METABASE_IMAGE_REPOSITORY}:${version}` : `${METABASE_IMAGE_REPOSITORY}@${digest}`;
}

export function metabaseImage(): IntrinsicFunction {
  return fnIf(
    'HasImageDigest',
    sub(`${METABASE_IMAGE_REPOSITORY}@\${MetabaseImageDigest}`),
    sub(`${METABASE_IMAGE_REPOSITORY}:\${MetabaseVersion}`),
  );
}

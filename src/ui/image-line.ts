// One line of the deploy preview: which Metabase image the tasks will run, by tag and (when pinned)
// digest, so a version change or a re-pinned digest is visible before it executes.
import { metabaseImageReference } from '../synth/tiers/image.js';

export function renderImageLine(values: { MetabaseVersion: string; MetabaseImageDigest?: string }): string {
  const digest = values.MetabaseImageDigest ?? '';
  const reference = metabaseImageReference(values.MetabaseVersion, digest);
  const detail =
    digest === ''
      ? `tag ${values.MetabaseVersion}, no digest: the tag may be moved; MetabaseImageDigest pins it`
      : `tag ${values.MetabaseVersion}, digest ${digest}`;
  return `Metabase image: ${reference} (${detail})\n`;
}

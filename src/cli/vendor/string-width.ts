// Stand-in for the `string-width` package inside the bundle (scripts/build.mjs aliases it). yargs and its
// layout helpers import it to measure columns, and the real one builds an Intl.Segmenter and large
// Unicode tables when it loads: about 30 ms on every start of this CLI, help or not. All text this CLI
// lays out is its own ASCII, where width is the number of code points once ANSI colour codes are gone.
// eslint-disable-next-line no-control-regex
const ANSI_ESCAPE = /[\u001B\u009B][[\]()#;?]*(?:\d{1,4}(?:;\d{0,4})*)?[\dA-ORZcf-nqry=><]/g;

export default function stringWidth(text: string): number {
  let width = 0;
  for (const character of text.replace(ANSI_ESCAPE, '')) {
    const code = character.codePointAt(0) ?? 0;
    // Control characters take no column.
    if (code >= 0x20 && !(code >= 0x7f && code < 0xa0)) width++;
  }
  return width;
}

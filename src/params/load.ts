// Reading a params file: the I/O around validateParams, with JSON syntax errors given as line and column.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  validateParams,
  type ParameterValues,
  type ParamsProblem,
  type ValidationContext,
} from './validate.js';

export class ParamsError extends Error {
  constructor(
    readonly file: string,
    readonly problems: ParamsProblem[],
  ) {
    super(`${file}: ${problems.map((p) => (p.key ? `${p.key}: ${p.message}` : p.message)).join('; ')}`);
    this.name = 'ParamsError';
  }
}

/** params/<env>.json, or the file given with --params. */
export function paramsFilePath(
  options: { env?: string | undefined; params?: string | undefined },
  cwd = process.cwd(),
): string {
  if (options.params !== undefined) return resolve(cwd, options.params);
  return resolve(cwd, 'params', `${options.env ?? 'dev'}.json`);
}

export async function loadParams(file: string, context: ValidationContext = {}): Promise<ParameterValues> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ParamsError(file, [
      { message: code === 'ENOENT' ? 'file not found' : `cannot be read (${code ?? String(error)})` },
    ]);
  }
  const encodingProblem = utf16(bytes);
  if (encodingProblem) throw new ParamsError(file, [{ message: encodingProblem }]);
  // A UTF-8 byte-order mark (Windows editors write one) is not JSON, but it is harmless: drop it.
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ParamsError(file, [{ message: `not valid JSON: ${jsonErrorPosition(text, error)}` }]);
  }
  const duplicate = duplicateKey(text);
  if (duplicate)
    throw new ParamsError(file, [
      {
        key: duplicate.key,
        message: `appears twice (lines ${duplicate.lines.join(' and ')}); JSON keeps only the last, so remove one`,
      },
    ]);
  const result = validateParams(raw, context);
  if (!result.ok) throw new ParamsError(file, result.problems);
  return result.values;
}

/** V8 reports "at position N"; people want a line and a column. */
function jsonErrorPosition(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const position = /position (\d+)/.exec(message);
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  const reason = message
    .replace(/ in JSON at position \d+.*$/, '')
    .replace(/\s*\(line \d+ column \d+\)$/, '');
  if (lineColumn) return `${reason} at line ${lineColumn[1]}, column ${lineColumn[2]}`;
  if (!position) {
    // V8 gives no position for some mistakes ("Unexpected token ']'") and quotes the whole file instead.
    const short = reason.replace(/, (\.\.\.)?"[\s\S]*"(\.\.\.)? is not valid JSON$/, '');
    const comma = trailingComma(text);
    if (comma === undefined) return short;
    const line = text.slice(0, comma).split('\n').length;
    return `${short}: a comma after the last entry (line ${line}); remove it`;
  }
  const index = Number(position[1]);
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  const likely = likelyMistake(text, index);
  return `${reason} at line ${line}, column ${column}${likely ? `: ${likely}` : ''}`;
}

/**
 * The two mistakes JSON.parse words least helpfully, as people make them in a config file: a comment
 * ("Expected property name") and a comma after the last entry (reported at the `}` on the next line).
 */
function likelyMistake(text: string, index: number): string | undefined {
  const rest = text.slice(index);
  if (rest.startsWith('//') || rest.startsWith('/*') || rest.startsWith('#'))
    return 'JSON has no comments; write a note as a "$comment" key instead';
  const previous = /,\s*$/.exec(text.slice(0, index));
  if (previous && /^[}\]]/.test(rest)) {
    const commaLine = text.slice(0, previous.index).split('\n').length;
    return `a comma after the last entry (line ${commaLine}); remove it`;
  }
  return undefined;
}

/** Where the first comma outside a string is followed by `]` or `}`, if anywhere. */
function trailingComma(text: string): number | undefined {
  const closesNext = /\s*[\]}]/y;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === ',') {
      closesNext.lastIndex = i + 1;
      if (closesNext.test(text)) return i;
    }
  }
  return undefined;
}

/** UTF-16 (a BOM, or the NUL bytes every ASCII character gets) reads as garbage in UTF-8: say what it is. */
function utf16(bytes: Buffer): string | undefined {
  const bom = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  if (bom || bytes.subarray(0, 64).includes(0))
    return 'the file is UTF-16 encoded; save it as UTF-8 (most editors: "Save with encoding")';
  return undefined;
}

/**
 * The first key that appears twice in one object. JSON.parse silently keeps the last, so a second
 * "TaskMemory" further down would quietly win over the one the user is looking at. Runs on text that
 * JSON.parse accepted, so the scan only needs strings, braces and colons.
 */
function duplicateKey(text: string): { key: string; lines: number[] } | undefined {
  const stack: { keys: Map<string, number>; isObject: boolean }[] = [];
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    else if (c === '{' || c === '[') stack.push({ keys: new Map(), isObject: c === '{' });
    else if (c === '}' || c === ']') stack.pop();
    else if (c === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const raw = text.slice(i, end + 1);
      i = end;
      const rest = /^\s*:/.exec(text.slice(end + 1));
      const top = stack[stack.length - 1];
      if (rest && top?.isObject) {
        const key = JSON.parse(raw) as string;
        const first = top.keys.get(key);
        if (first !== undefined) return { key, lines: [first, line] };
        top.keys.set(key, line);
      }
    }
  }
  return undefined;
}

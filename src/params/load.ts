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
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ParamsError(file, [
      { message: code === 'ENOENT' ? 'file not found' : `cannot be read (${code ?? String(error)})` },
    ]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ParamsError(file, [{ message: `not valid JSON: ${jsonErrorPosition(text, error)}` }]);
  }
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
  if (!position) return reason;
  const before = text.slice(0, Number(position[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${reason} at line ${line}, column ${column}`;
}

// Filesystem errors in the user's words. A command that writes (synth, diagram) checks every output
// directory before it writes anything, so a bad path fails cleanly instead of leaving half the output.
import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { relative } from 'node:path';
import { UserError } from './errors.js';

const CAUSES: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EEXIST: 'a file of that name is in the way',
  EISDIR: 'it is a directory, not a file',
  ENOENT: 'no such file or directory',
  ENOSPC: 'no space left on the device',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'the path is too long',
};

/** Syscalls of a socket, not of a file: their errors (a refused connection, an unknown host) are AWS's to explain. */
const NETWORK_SYSCALLS = new Set(['connect', 'getaddrinfo', 'getnameinfo', 'queryA', 'queryAaaa']);

/**
 * A Node system error of the file system: it has a code and a syscall. A socket's error has them too
 * (ECONNREFUSED from connect), and is not a path to check.
 */
export function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  const e = error as NodeJS.ErrnoException | undefined;
  return (
    e instanceof Error &&
    typeof e.code === 'string' &&
    typeof e.syscall === 'string' &&
    !NETWORK_SYSCALLS.has(e.syscall) &&
    !/^(ECONN|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_|EPIPE)/.test(e.code)
  );
}

/** `<verb> <path>: <cause>` plus what to do, for a filesystem error that reached a command's top. */
export function fileUserError(verb: string, error: NodeJS.ErrnoException, cwd: string): UserError {
  const path = error.path === undefined ? '' : ` ${shownPath(error.path, cwd)}`;
  const cause = CAUSES[error.code ?? ''] ?? (error.code ?? 'error').toLowerCase();
  const writing = /^(open|write|mkdir|rename|copyfile|unlink)$/.test(error.syscall ?? '');
  return new UserError(
    `${verb}${path}: cannot ${writing ? 'write' : 'read'} it (${cause}, ${error.code})`,
    writing
      ? 'Choose a directory you can write to (the option names it), or fix the permissions.'
      : 'Check the path and run again.',
  );
}

/** A path as messages name it: relative to the working directory when inside it, else absolute. */
export function shownPath(path: string, cwd: string): string {
  const fromCwd = relative(cwd, path);
  return fromCwd === '' ? '.' : fromCwd.startsWith('..') ? path : fromCwd;
}

/** Creates `directory` (and its parents) and proves it writable, or throws the UserError saying why not. */
export async function prepareOutputDirectory(
  verb: string,
  option: string,
  directory: string,
  cwd: string,
): Promise<void> {
  try {
    await mkdir(directory, { recursive: true });
    await access(directory, constants.W_OK);
  } catch (error) {
    if (!isSystemError(error)) throw error;
    const explained = fileUserError(verb, { ...error, path: directory, syscall: 'mkdir' }, cwd);
    throw new UserError(
      explained.message.replace(/: cannot write it/, `: ${option} cannot be written to`),
      `Pass ${option} a directory you can write to (it is created if missing).`,
    );
  }
}

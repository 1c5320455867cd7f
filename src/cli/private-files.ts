import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UsageError } from './errors.js';

const MAX_PRIVATE_FILE_BYTES = 1024 * 1024;

/**
 * Reads a file that holds a secret (the config with its API keys, --api-key-file,
 * --secret-file), refusing one that others may read or write, as ssh does with its keys:
 * a secret in a file anyone on the machine can read is already leaked.
 * Returns undefined when the file does not exist and `missingOk`.
 */
export async function readPrivateFile(path: string, what: string, missingOk = false): Promise<string | undefined> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      if (missingOk) return undefined;
      throw new UsageError(`${what} ${path} does not exist`);
    }
    throw new UsageError(`${what} ${path} cannot be read: ${(error as Error).message}`);
  }
  if (!info.isFile()) throw new UsageError(`${what} ${path} is not a regular file`);
  if (process.platform !== 'win32') {
    if ((info.mode & 0o077) !== 0) {
      const mode = (info.mode & 0o777).toString(8).padStart(4, '0');
      throw new UsageError(`${what} ${path} is accessible by others (mode ${mode}); run: chmod 600 ${path}`);
    }
    if (typeof process.getuid === 'function' && info.uid !== process.getuid()) {
      throw new UsageError(`${what} ${path} belongs to another user`);
    }
  }
  if (info.size > MAX_PRIVATE_FILE_BYTES) throw new UsageError(`${what} ${path} is larger than ${MAX_PRIVATE_FILE_BYTES} bytes`);
  return readFile(path, 'utf8');
}

/**
 * Writes a file only its owner may read (0600, in a 0700 directory when it creates one),
 * through a temporary file and a rename, so a crash never leaves half a file and the
 * content is never readable by others even for a moment.
 */
export async function writePrivateFile(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

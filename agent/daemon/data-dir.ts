// The data folder, checked before the daemon starts anything: a folder that is a file, cannot be made or cannot
// be written would otherwise start "successfully" and capture nothing. Refusals name dataDir and the fix; files
// and folders other users can read are warned about (receipts are personal data), with the command that fixes it.
import { constants, type Stats } from 'node:fs';
import { access, mkdir, open, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../config.js';
import { Store } from '../store/index.js';

const FIX = 'set dataDir in the config (or POSBRIDGE_DATA) to a folder the user running posbridge can write, or fix this one';

async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function refuse(dataDir: string, problem: string, error?: unknown): ConfigError {
  const why = error === undefined ? '' : ` (${(error as NodeJS.ErrnoException).code ?? ''} ${(error as Error).message})`;
  return new ConfigError(`dataDir ${dataDir} ${problem}${why}: ${FIX}`);
}

/** Makes sure the data folder is one posbridge can use; returns warnings about permissions that are too open. */
export async function prepareDataDir(dataDir: string): Promise<string[]> {
  const existing = await statOrUndefined(dataDir).catch((error: unknown) => {
    throw refuse(dataDir, 'cannot be read', error);
  });
  if (existing !== undefined && !existing.isDirectory()) throw refuse(dataDir, 'is a file, not a folder');
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await access(dataDir, constants.W_OK | constants.X_OK);
    // access() says yes to root on a read-only file system; only a real write tells.
    const probe = join(dataDir, `.posbridge-write-test-${process.pid}`);
    const handle = await open(probe, 'w', 0o600);
    await handle.close();
    await unlink(probe);
  } catch (error) {
    throw refuse(dataDir, 'is not a folder posbridge can write', error);
  }
  return permissionWarnings(dataDir);
}

/** Folder 0700, database files 0600: anything more open is named, with the fix. */
export async function permissionWarnings(dataDir: string): Promise<string[]> {
  const warnings: string[] = [];
  const folder = await stat(dataDir);
  if ((folder.mode & 0o077) !== 0) {
    warnings.push(`dataDir ${dataDir} can be read by other users (mode ${(folder.mode & 0o777).toString(8)}); fix: chmod 700 ${dataDir}`);
  }
  const db = Store.fileIn(dataDir);
  for (const file of [db, `${db}-wal`, `${db}-shm`]) {
    const info = await statOrUndefined(file).catch(() => undefined);
    if (info !== undefined && (info.mode & 0o077) !== 0) {
      warnings.push(`${file} can be read by other users (mode ${(info.mode & 0o777).toString(8)}); fix: chmod 600 ${file}`);
    }
  }
  return warnings;
}

import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';

/** Thrown when another live process holds the data directory; its message is the one line main prints. */
export class DataDirectoryInUseError extends Error {
  constructor(
    readonly directory: string,
    readonly pid: number | undefined,
  ) {
    super(
      `the data directory ${directory} is in use by another PaieCashFan process${pid ? ` (PID ${pid})` : ''}: ` +
        'stop that process, or give this one its own PCF_DATA_DIR',
    );
  }
}

/** A held data-directory lock; release() gives it back (idempotent). */
export interface DataDirectoryLock {
  release(): Promise<void>;
}

const LOCK = 'pcf.lock';
const OWNER = 'pcf.lock.pid';
/** The holder refreshes the lock's mtime every second; a lock not refreshed for this long is stale. */
const HOLD = { stale: 10_000, update: 1_000 };
/** When the recorded owner is gone, its lock is taken over once it has not been refreshed for 2 s. */
const TAKE_OVER = {
  stale: 2_000,
  update: 1_000,
  retries: { retries: 12, minTimeout: 250, maxTimeout: 500, factor: 1.2 },
};

/**
 * Takes the exclusive lock of an embedded database directory (proper-lockfile: an atomic mkdir whose mtime the
 * holder keeps fresh), and records the holder's PID beside it for the error message.
 *
 * - Another live process holds it → DataDirectoryInUseError naming the directory and the PID.
 * - The holder was killed (kill -9, power loss): its PID is gone, so its lock is taken over as soon as it has
 *   not been refreshed for 2 s (a live holder refreshes it every second); any lock not refreshed for 10 s is
 *   stale whatever its PID file says (PID reuse).
 * - Losing the lock while holding it (its mtime could not be refreshed for 10 s, or another process took it) is
 *   fatal, as proper-lockfile does by default: two writers on one PGlite directory would lose data.
 */
export async function lockDataDirectory(directory: string): Promise<DataDirectoryLock> {
  const paths = { realpath: false, lockfilePath: join(directory, LOCK) };
  let unlock: () => Promise<void>;
  try {
    unlock = await lockfile.lock(directory, { ...paths, ...HOLD });
  } catch (error) {
    if (!isLocked(error)) throw error;
    const owner = await readOwner(directory);
    if (owner !== undefined && owner !== process.pid && isAlive(owner)) {
      throw new DataDirectoryInUseError(directory, owner);
    }
    // The owner is gone: take its lock over the library's way (stale mtime), then hold it with the normal
    // staleness. Between the two, another starting process may win; then it is the live owner we report.
    try {
      await (await lockfile.lock(directory, { ...paths, ...TAKE_OVER }))();
      unlock = await lockfile.lock(directory, { ...paths, ...HOLD });
    } catch (retryError) {
      if (isLocked(retryError)) throw new DataDirectoryInUseError(directory, await readOwner(directory));
      throw retryError;
    }
  }
  await writeFile(join(directory, OWNER), `${process.pid}\n`);
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      await rm(join(directory, OWNER), { force: true });
      await unlock();
    },
  };
}

function isLocked(error: unknown): boolean {
  return (error as { code?: unknown }).code === 'ELOCKED';
}

async function readOwner(directory: string): Promise<number | undefined> {
  const text = await readFile(join(directory, OWNER), 'utf8').catch(() => '');
  const pid = Number.parseInt(text, 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as { code?: unknown }).code === 'EPERM';
  }
}

import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirectoryInUseError, lockDataDirectory } from '../src/db/data-dir-lock.ts';

describe('data directory lock', () => {
  let dir: string;
  afterEach(() => rm(dir, { recursive: true, force: true }));
  const fresh = async () => {
    dir = await mkdtemp(join(tmpdir(), 'pcf-lock-unit-'));
    return dir;
  };

  it('records the holder and refuses a second holder while the first is alive', async () => {
    const directory = await fresh();
    const lock = await lockDataDirectory(directory);
    expect((await readFile(join(directory, 'pcf.lock.pid'), 'utf8')).trim()).toBe(String(process.pid));
    const second = await lockDataDirectory(directory).catch((error: unknown) => error);
    expect(second).toBeInstanceOf(DataDirectoryInUseError);
    expect((second as DataDirectoryInUseError).pid).toBe(process.pid);
    await lock.release();
    const again = await lockDataDirectory(directory);
    await again.release();
  });

  it("takes over the lock of a process that is gone, even when the lock's mtime is fresh", async () => {
    const directory = await fresh();
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    await mkdir(join(directory, 'pcf.lock'));
    await writeFile(join(directory, 'pcf.lock.pid'), `${gone}\n`);
    const lock = await lockDataDirectory(directory);
    expect((await readFile(join(directory, 'pcf.lock.pid'), 'utf8')).trim()).toBe(String(process.pid));
    await lock.release();
  });
});

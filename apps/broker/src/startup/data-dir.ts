import { mkdirSync, statSync } from 'node:fs';
import { DataDirLock, DataDirLockedError } from '@runnel/log-store';
import { optionFlag, optionVariable } from '../config/load-config.js';
import { BrokerStartupError } from './startup-error.js';

const DATA_DIR_OPTION = `${optionFlag('dataDir')} (${optionVariable('dataDir')})`;

/**
 * Makes sure the data directory exists and takes its lock, before the broker opens or writes any
 * file in it (meta.json, logs, indexes, `__consumer_offsets`). The lock is held until the broker
 * closes: a second broker on the same directory stops here, having changed nothing.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (cause) {
    throw new BrokerStartupError(
      isFile(dataDir)
        ? `data directory ${dataDir} is a file: give ${DATA_DIR_OPTION} a directory, or a path where one can be created`
        : `data directory ${dataDir} cannot be created (${(cause as Error).message}): give ${DATA_DIR_OPTION} a directory this user can write`,
      'dataDir',
      { cause },
    );
  }
  try {
    return DataDirLock.acquire(dataDir);
  } catch (cause) {
    if (cause instanceof DataDirLockedError) {
      throw new BrokerStartupError(
        `data directory ${dataDir} is in use by another broker (pid ${cause.ownerPid}, lock ${cause.lockFile}): stop that broker or give this one another ${DATA_DIR_OPTION}`,
        'dataDir',
        { cause },
      );
    }
    throw new BrokerStartupError(
      `data directory ${dataDir} cannot be locked (${(cause as Error).message}): give ${DATA_DIR_OPTION} a directory this user can write`,
      'dataDir',
      { cause },
    );
  }
}

function isFile(path: string): boolean {
  try {
    return !statSync(path).isDirectory();
  } catch {
    return false;
  }
}

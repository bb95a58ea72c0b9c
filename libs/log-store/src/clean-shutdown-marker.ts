import { join } from 'node:path';
import { CLEAN_SHUTDOWN_FILE, CLEAN_SHUTDOWN_TEMP_FILE } from './log-file-names.js';
import { deleteFile, fileExists, syncDir, writeFileAtomically } from './storage-io.js';

/**
 * The empty `.kafka_cleanshutdown` file of a partition directory. `close()` writes it last, after
 * every segment is fsynced and the checkpoint says recoveryPoint = logEndOffset; opening the log
 * removes it (durably) before the first append. So its presence at open proves a clean shutdown
 * and recovery can be skipped; its absence means the log may have lost or torn its tail.
 */
export class CleanShutdownMarker {
  static exists(dir: string): boolean {
    return fileExists(join(dir, CLEAN_SHUTDOWN_FILE));
  }

  static write(dir: string): void {
    writeFileAtomically(join(dir, CLEAN_SHUTDOWN_FILE), join(dir, CLEAN_SHUTDOWN_TEMP_FILE), '');
  }

  static remove(dir: string): void {
    deleteFile(join(dir, CLEAN_SHUTDOWN_FILE));
    syncDir(dir);
  }
}

// Drops a directory's files from the page cache, so the next read of them comes from the disk:
// what a consumer that lags far behind meets. Node has no posix_fadvise, so Debian's python3 does
// it (fsync first: only clean pages can be dropped). Only the bench's own files are touched.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

const PYTHON = '/usr/bin/python3';

const EVICT = `
import os, sys
for root, _, files in os.walk(sys.argv[1]):
    for name in files:
        fd = os.open(os.path.join(root, name), os.O_RDONLY)
        try:
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)
`;

/** Why the page cache cannot be dropped here (one line for stderr), or undefined when it can. */
export function evictionMissing() {
  try {
    accessSync(PYTHON, constants.X_OK);
    return undefined;
  } catch {
    return `${PYTHON} is missing, so the log cannot be dropped from the page cache`;
  }
}

/** Drops every file under `dir` from the page cache; fails with python's stderr. */
export function evictFromPageCache(dir) {
  const result = spawnSync(PYTHON, ['-c', EVICT, dir], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`evicting ${dir} from the page cache failed:\n${result.stderr}`);
}

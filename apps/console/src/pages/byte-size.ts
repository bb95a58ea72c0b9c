const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/**
 * A size on disk for people: whole bytes below 1 KiB, then binary units with one decimal below
 * 100 of the unit (`1.5 KiB`, `12.0 MiB`, `312 GiB`); `n/a` when the cluster does not say.
 */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return 'n/a';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${bytes} B`;
  return `${value < 100 ? value.toFixed(1) : Math.round(value)} ${UNITS[unit]}`;
}

import { createRequire } from 'node:module';

/**
 * `require` for the optional native packages (crc32c, snappy, lz4, zstd). The ESM build resolves
 * them relative to this module; the CommonJS build, where the bundler leaves `import.meta.url`
 * empty, uses its own `require` (tested first in that order: the ESM bundle's `require` is a stub
 * that throws). Either way a package that is not installed, or whose native binding does not load on
 * this platform, reads as absent rather than failing the import of @runnel/protocol.
 */
const requireOptional: NodeJS.Require | undefined = (() => {
  try {
    return import.meta.url ? createRequire(import.meta.url) : require;
  } catch {
    return undefined;
  }
})();

/** The package's exports, or `undefined` when it is not installed or does not load. */
export function loadOptionalPackage<T>(name: string): T | undefined {
  try {
    return requireOptional?.(name) as T | undefined;
  } catch {
    return undefined;
  }
}

import { createRequire } from 'node:module';
import { COMPRESSION_NAMES, type CompressionType } from './compression-type.js';
import { UnsupportedCompressionTypeError } from './unsupported-compression-type-error.js';

/**
 * `require` for the optional native packages (crc32c, snappy, lz4, zstd), resolving them relative
 * to this module. The CommonJS build gets `import.meta.url` from its own `__filename` (tsup's
 * shim), so both formats look in the same place. A package that is not installed, or whose native
 * binding does not load on this platform, reads as absent rather than failing the import of
 * @runnel/protocol.
 */
const requireOptional = createRequire(import.meta.url);

/** The package's exports, or `undefined` when it is not installed or does not load. */
export function loadOptionalPackage<T>(name: string): T | undefined {
  try {
    return requireOptional(name) as T;
  } catch {
    return undefined;
  }
}

const loaded = new Map<string, unknown>();

/**
 * The exports of the optional package a codec needs, loaded on first use. Throws an
 * {@link UnsupportedCompressionTypeError} that says how to install it when it is absent.
 */
export function requireCodecPackage<T>(packageName: string, codec: CompressionType): T {
  let pkg = loaded.get(packageName) as T | undefined;
  if (pkg === undefined) {
    pkg = loadOptionalPackage<T>(packageName);
    if (pkg === undefined) {
      throw new UnsupportedCompressionTypeError(
        `${COMPRESSION_NAMES[codec]} compression needs the optional package '${packageName}': npm install ${packageName}`,
        codec,
      );
    }
    loaded.set(packageName, pkg);
  }
  return pkg;
}

import { createRequire } from 'node:module';
import { COMPRESSION_NAMES, type CompressionType } from './compression-type.js';
import { UnsupportedCompressionTypeError } from './unsupported-compression-type-error.js';

/**
 * `require` for the optional native packages (crc32c, snappy, lz4, zstd). The ESM build resolves
 * them relative to this module; the CommonJS build, where the bundler leaves `import.meta.url`
 * empty, uses its own `require`. `import.meta.url` is tested first because in the ESM bundle
 * `require` is a stub that throws. Either way a package that is not installed, or whose native
 * binding does not load on this platform, reads as absent rather than failing the import of
 * @runnel/protocol.
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

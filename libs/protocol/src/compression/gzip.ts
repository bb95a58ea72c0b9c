import { gunzipSync, gzipSync } from 'node:zlib';
import { type CompressionCodec, decompressedTooLarge } from './compression-codec.js';

/** gzip (RFC 1952) through node:zlib, at zlib's default level as the Java client uses. */
export const gzip: CompressionCodec = {
  compress: (data) => gzipSync(data),
  decompress(data, maxSize) {
    try {
      return gunzipSync(data, { maxOutputLength: maxSize });
    } catch (e) {
      // zlib stops inflating at maxOutputLength and reports it as ERR_BUFFER_TOO_LARGE.
      if ((e as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
        throw decompressedTooLarge('gzip', maxSize + 1, maxSize);
      }
      throw e;
    }
  },
};

import { ApiVersions } from './apis/api-versions.js';
import {
  decodeRequestFrame,
  decodeRequestHeaderPrefix,
  decodeResponseFrame,
  encodeRequestFrame,
  encodeResponseFrame,
} from './frames.js';

describe('frames', () => {
  it('prefixes a request with its size and uses header v2 for a flexible version', () => {
    const frame = encodeRequestFrame(
      ApiVersions,
      3,
      { correlationId: 9, clientId: 'c' },
      {
        clientSoftwareName: 'n',
        clientSoftwareVersion: 'v',
      },
    );
    // size | key 18 | version 3 | correlation 9 | clientId "c" (int16 length) | header tags | body
    expect(frame.toString('hex')).toBe(
      '00000011' + '0012' + '0003' + '00000009' + '000163' + '00' + '026e' + '0276' + '00',
    );
    const { header, body } = decodeRequestFrame(ApiVersions, frame.subarray(4));
    expect(header).toEqual({ requestApiKey: 18, requestApiVersion: 3, correlationId: 9, clientId: 'c' });
    expect(body).toEqual({ clientSoftwareName: 'n', clientSoftwareVersion: 'v' });
  });

  it('reads the header prefix of a request whose version it cannot parse', () => {
    const frame = Buffer.from('0012' + '0009' + '0000002a' + '0002' + '6a73' + 'ffffff', 'hex');
    expect(decodeRequestHeaderPrefix(frame)).toEqual({
      requestApiKey: 18,
      requestApiVersion: 9,
      correlationId: 42,
      clientId: 'js',
    });
  });

  it('answers ApiVersions v3 with response header v0 (no tag section)', () => {
    const frame = encodeResponseFrame(ApiVersions, 3, 5, { errorCode: 0, apiKeys: [] });
    // size | correlation 5 | errorCode | empty compact array | throttle | body tags
    expect(frame.toString('hex')).toBe('0000000c' + '00000005' + '0000' + '01' + '00000000' + '00');
    expect(decodeResponseFrame(ApiVersions, 3, frame.subarray(4)).correlationId).toBe(5);
  });
});

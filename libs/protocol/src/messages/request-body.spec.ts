import { ProtocolError } from '../errors/protocol-error.js';
import { ApiVersions } from './apis/api-versions.js';
import { Metadata } from './apis/metadata.js';
import { decodeRequestFrame, encodeRequestFrame } from './frames.js';
import { decodeRequestBody, readRequestHeaderPrefix } from './request-body.js';

describe('readRequestHeaderPrefix and decodeRequestBody', () => {
  it('decode a non-flexible request as decodeRequestFrame does, the header read once', () => {
    const frame = encodeRequestFrame(
      Metadata,
      4,
      { correlationId: 7, clientId: 'app' },
      { topics: [{ name: 'orders' }], allowAutoTopicCreation: false },
    ).subarray(4);
    const prefix = readRequestHeaderPrefix(frame);
    // key 3 | version 4 | correlation 7 | clientId "app" (2 + 3 bytes)
    expect(prefix).toEqual({
      header: { requestApiKey: 3, requestApiVersion: 4, correlationId: 7, clientId: 'app' },
      end: 2 + 2 + 4 + 2 + 3,
    });
    expect(decodeRequestBody(Metadata, frame, prefix)).toEqual(decodeRequestFrame(Metadata, frame).body);
  });

  it('skip the tagged fields of a flexible header, known or not, before the body', () => {
    // key 18 | version 3 | correlation 9 | clientId "c" | header tags: 1 field, tag 5, 2 bytes | body
    const frame = Buffer.from(
      '0012' + '0003' + '00000009' + '000163' + '01' + '05' + '02' + 'abcd' + '026e' + '0276' + '00',
      'hex',
    );
    const prefix = readRequestHeaderPrefix(frame);
    expect(prefix.end).toBe(11);
    expect(decodeRequestBody(ApiVersions, frame, prefix)).toEqual({
      clientSoftwareName: 'n',
      clientSoftwareVersion: 'v',
    });
    expect(decodeRequestFrame(ApiVersions, frame).body).toEqual(
      decodeRequestBody(ApiVersions, frame, prefix),
    );
  });

  it('refuse bytes left over after the body, naming the request and its version', () => {
    const frame = Buffer.concat([
      encodeRequestFrame(ApiVersions, 0, { correlationId: 1 }, {}).subarray(4),
      Buffer.from('ff', 'hex'),
    ]);
    const decode = () => decodeRequestBody(ApiVersions, frame, readRequestHeaderPrefix(frame));
    expect(decode).toThrow(ProtocolError);
    expect(decode).toThrow(/1 byte\(s\) left over after the request/);
    expect(decode).toThrow(/ApiVersionsRequest v0/);
  });
});

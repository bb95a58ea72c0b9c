import { metadataHeaders, readMetadata, validTraceparent } from './packet-metadata.js';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('packet metadata in headers', () => {
  it('accepts only well-formed W3C traceparents', () => {
    expect(validTraceparent(TRACEPARENT)).toBe(TRACEPARENT);
    expect(validTraceparent('00-00000000000000000000000000000000-00f067aa0ba902b7-01')).toBeUndefined();
    expect(validTraceparent('ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBeUndefined();
    expect(validTraceparent('00-4bf92f35-00f067aa0ba902b7-01')).toBeUndefined();
    expect(validTraceparent(undefined)).toBeUndefined();
  });

  it('writes the metadata as JSON and traceparent and tracestate as W3C headers too', () => {
    expect(metadataHeaders({ traceparent: TRACEPARENT, tracestate: 'k=v', tenant: 'acme' })).toEqual({
      'kafka_nest-metadata': JSON.stringify({ traceparent: TRACEPARENT, tracestate: 'k=v', tenant: 'acme' }),
      traceparent: TRACEPARENT,
      tracestate: 'k=v',
    });
    expect(metadataHeaders(undefined)).toEqual({});
  });

  it('reads the metadata back, and a bare traceparent header as metadata', () => {
    expect(readMetadata({ 'kafka_nest-metadata': '{"tenant":"acme","n":1}' })).toEqual({ tenant: 'acme' });
    expect(readMetadata({ traceparent: TRACEPARENT, tracestate: 'k=v' })).toEqual({
      traceparent: TRACEPARENT,
      tracestate: 'k=v',
    });
    expect(readMetadata({ 'kafka_nest-metadata': '{broken' })).toBeUndefined();
    expect(readMetadata({})).toBeUndefined();
  });
});

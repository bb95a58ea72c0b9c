import { ErrorCode, KafkaError } from '@runnel/protocol';
import { ConnectionError } from '../errors/connection-error.js';
import { RunnelError } from '../errors/runnel-error.js';
import { withRetries } from './admin-retry.js';

const options = { retries: 3, retryBackoffMs: 1, timeoutMs: 1000 };

describe('withRetries', () => {
  it('tries again after retriable errors, calling beforeRetry each time, until it succeeds', async () => {
    const failures = [
      KafkaError.fromCode(ErrorCode.NOT_CONTROLLER),
      new ConnectionError('127.0.0.1:9092', 'the broker closed the connection'),
    ];
    const seen: unknown[] = [];
    let attempts = 0;
    const result = await withRetries(
      options,
      async () => {
        const failure = failures[attempts++];
        if (failure !== undefined) throw failure;
        return 'done';
      },
      async (err) => seen.push(err),
    );
    expect(result).toBe('done');
    expect(attempts).toBe(3);
    expect(seen).toEqual(failures);
  });

  it('throws a non-retriable error at once', async () => {
    let attempts = 0;
    const final = KafkaError.fromCode(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    await expect(
      withRetries(options, async () => {
        attempts++;
        throw final;
      }),
    ).rejects.toBe(final);
    expect(attempts).toBe(1);
    await expect(withRetries(options, () => Promise.reject(new RunnelError('bad argument')))).rejects.toThrow(
      'bad argument',
    );
  });

  it('gives up after `retries` retries with the last error', async () => {
    let attempts = 0;
    const error = await withRetries(options, async () => {
      attempts++;
      throw KafkaError.fromCode(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, { context: `attempt ${attempts}` });
    }).catch((e) => e);
    expect(attempts).toBe(4);
    expect(error.message).toContain('attempt 4: COORDINATOR_LOAD_IN_PROGRESS');
  });
});

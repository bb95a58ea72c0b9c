/** Where a record being (de)serialized is, as far as the caller knows it. */
export interface RecordLocation {
  readonly topic: string;
  readonly partition?: number;
  readonly offset?: bigint;
}

/** `topic 'orders' partition 3 offset 42`, leaving out what is not known. */
export function describeRecordLocation(location: RecordLocation): string {
  let text = `topic '${location.topic}'`;
  if (location.partition !== undefined) text += ` partition ${location.partition}`;
  if (location.offset !== undefined) text += ` offset ${location.offset}`;
  return text;
}

/**
 * A key or value could not be turned into bytes or back (Kafka's SerializationException). Happens in
 * the client, never on the wire, so it has no error code and is never retriable: the same bytes fail
 * the same way. The message starts with the record's location when it is known:
 * `topic 'orders' partition 3 offset 42: cannot deserialize JSON: Unexpected token ...`; the parser's
 * own error is the `cause`.
 */
export class SerializationError extends Error {
  override readonly name: string = 'SerializationError';
  readonly topic: string | undefined;
  readonly partition: number | undefined;
  readonly offset: bigint | undefined;

  constructor(
    message: string,
    options: { readonly location?: RecordLocation; readonly cause?: unknown } = {},
  ) {
    const { location, cause } = options;
    super(location === undefined ? message : `${describeRecordLocation(location)}: ${message}`, { cause });
    this.topic = location?.topic;
    this.partition = location?.partition;
    this.offset = location?.offset;
  }
}

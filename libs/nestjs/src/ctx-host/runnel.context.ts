import type { PacketMetadata } from '@nestjs/microservices';
import { BaseRpcContext } from '@nestjs/microservices';
import type { Consumer, ConsumerMessage } from '@runnel/client';
import { RunnelHeaders } from '../enums/runnel-headers.enum.js';
import { validTraceparent } from '../helpers/packet-metadata.js';
import { type DecodedHeaders, headerValue } from '../helpers/record-codec.js';

/** What a handler's `@Ctx()` holds, in this order (`getArgByIndex`). */
export type RunnelContextArgs = [
  message: ConsumerMessage,
  topic: string,
  partition: number,
  consumer: Consumer,
  heartbeat: () => Promise<void>,
  headers: DecodedHeaders,
  groupId: string,
  attempt: number,
  metadata: PacketMetadata | undefined,
];

/** The record a handler is working on and where it came from: `@Ctx() ctx: RunnelContext`. */
export class RunnelContext extends BaseRpcContext<RunnelContextArgs> {
  /** Returns the record as the consumer handed it over (key and value as bytes). */
  getMessage(): ConsumerMessage {
    return this.args[0];
  }

  /** Returns the name of the topic the record was read from. */
  getTopic(): string {
    return this.args[1];
  }

  /** Returns the partition the record was read from. */
  getPartition(): number {
    return this.args[2];
  }

  /** Returns the record's offset in its partition. */
  getOffset(): bigint {
    return this.args[0].offset;
  }

  /** Returns the record's key as a UTF-8 string, or null for a keyless record. */
  getKey(): string | null {
    return this.args[0].key?.toString('utf8') ?? null;
  }

  /** Returns the record's headers as UTF-8 strings (a repeated header gives an array). */
  getHeaders(): DecodedHeaders {
    return this.args[5];
  }

  /** Returns the record's timestamp in milliseconds since the epoch (CreateTime or LogAppendTime). */
  getTimestamp(): number {
    return this.args[0].timestamp;
  }

  /** Returns the @runnel/client consumer of the group that read the record. */
  getConsumer(): Consumer {
    return this.args[3];
  }

  /** Returns the consumer group the handler runs in. */
  getGroupId(): string {
    return this.args[6];
  }

  /** Returns which try of this record this is: 1 first, 2 after the first failure, ... */
  getAttempt(): number {
    return this.args[7];
  }

  /** Returns the W3C `traceparent` the record carries (header or packet metadata), if well formed. */
  getTraceparent(): string | undefined {
    return validTraceparent(
      headerValue(this.args[5], RunnelHeaders.TRACEPARENT) ?? this.args[8]?.traceparent,
    );
  }

  /** Returns the NestJS packet metadata the sender attached (`setOnDispatchHook`), if any. */
  getMetadata(): PacketMetadata | undefined {
    return this.args[8];
  }

  /** Tells the group this member makes progress; call it from a handler that runs for minutes. */
  heartbeat(): Promise<void> {
    return this.args[4]();
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { ClusterClient } from '../cluster/cluster-client.js';

export interface ProduceRequest {
  readonly topic: string;
  readonly key: string | null;
  /** null produces a tombstone. */
  readonly value: string | null;
  readonly headers: Readonly<Record<string, string>>;
  /** Default: the partitioner decides (murmur2 of the key; sticky without one). */
  readonly partition?: number | undefined;
}

/** "Produce a message": one record, acknowledged by the leader before the answer. */
@Injectable()
export class MessageProducer {
  constructor(@Inject(ClusterClient) private readonly client: ClusterClient) {}

  async produce(request: ProduceRequest): Promise<{ partition: number; offset: string; timestamp: number }> {
    const admin = await this.client.connectedAdmin();
    // Fails with TopicNotFoundError for a topic deleted meanwhile, rather than letting the producer wait for it.
    await admin.describeTopics({ topics: [request.topic] });
    const producer = await this.client.producer();
    const [sent] = await producer.send({
      topic: request.topic,
      messages: [
        {
          key: request.key,
          value: request.value,
          headers: request.headers,
          ...(request.partition !== undefined && { partition: request.partition }),
        },
      ],
    });
    return { partition: sent!.partition, offset: sent!.offset.toString(), timestamp: sent!.timestamp };
  }
}

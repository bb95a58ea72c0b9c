import { errorByCode, KafkaError } from '@runnel/protocol';

/**
 * A KafkaError raised by topic administration that keeps its human description apart from the
 * code, so the responses that have an `errorMessage` (CreateTopics, CreatePartitions,
 * DescribeConfigs) carry just the description, as Kafka's do: `Topic 'orders' already exists.`
 */
export class TopicAdminError extends KafkaError {
  constructor(
    code: number,
    readonly description: string,
  ) {
    super(errorByCode(code), { message: description });
  }
}

/** What a response's `errorMessage` says for `error`. */
export function errorMessageOf(error: KafkaError): string {
  return error instanceof TopicAdminError ? error.description : error.message;
}

import { errorByCode, KafkaError } from '@runnel/protocol';

/**
 * Why one partition of a Produce request was refused: the Kafka code its partition response
 * carries and, apart from it, the description that goes in `errorMessage` (v8+), naming the
 * value at fault: `Out of order sequence number for producer 7: 12 (incoming), 9 (last)`.
 */
export class ProduceError extends KafkaError {
  constructor(
    code: number,
    readonly description: string,
  ) {
    super(errorByCode(code), { message: description });
  }
}

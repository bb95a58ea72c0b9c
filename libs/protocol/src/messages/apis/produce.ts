import { specialise } from '../codec.js';
import { api, field, message, t } from '../schema.js';
import { produceRequestCodecs, produceResponseCodecs } from './produce-codec.js';

/**
 * Produce (key 0), v0-8. `records` holds a legacy message set (v0-2) or RecordBatch v2 bytes
 * (v3+) exactly as the producer wrote them; the codec never looks inside.
 */
export const Produce = api({
  apiKey: 0,
  name: 'Produce',
  request: message({
    name: 'ProduceRequest',
    validVersions: '0-8',
    flexibleVersions: '9+',
    fields: [
      field('transactionalId', t.string, { versions: '3+', nullable: '3+', default: null }),
      field('acks', t.int16),
      field('timeoutMs', t.int32),
      field(
        'topicData',
        t.array(
          t.struct(
            field('name', t.string),
            field(
              'partitionData',
              t.array(t.struct(field('index', t.int32), field('records', t.records, { nullable: '0+' }))),
            ),
          ),
        ),
      ),
    ],
  }),
  response: message({
    name: 'ProduceResponse',
    validVersions: '0-8',
    flexibleVersions: '9+',
    fields: [
      field(
        'responses',
        t.array(
          t.struct(
            field('name', t.string),
            field(
              'partitionResponses',
              t.array(
                t.struct(
                  field('index', t.int32),
                  field('errorCode', t.int16),
                  field('baseOffset', t.int64),
                  field('logAppendTimeMs', t.int64, { versions: '2+', default: -1n }),
                  field('logStartOffset', t.int64, { versions: '5+', default: -1n }),
                  field(
                    'recordErrors',
                    t.array(
                      t.struct(
                        field('batchIndex', t.int32, { versions: '8+' }),
                        field('batchIndexErrorMessage', t.string, {
                          versions: '8+',
                          nullable: '8+',
                          default: null,
                        }),
                      ),
                    ),
                    { versions: '8+' },
                  ),
                  field('errorMessage', t.string, { versions: '8+', nullable: '8+', default: null }),
                ),
              ),
            ),
          ),
        ),
      ),
      field('throttleTimeMs', t.int32, { versions: '1+' }),
    ],
  }),
});

specialise(Produce.request, produceRequestCodecs);
specialise(Produce.response, produceResponseCodecs);

import { api, field, message, t } from '../schema.js';

/**
 * FindCoordinator (key 10), v0-4; v3+ is flexible. `keyType` 0 looks up a group's coordinator, 1 a
 * transaction's. v4 (KIP-699) looks up a batch of keys of one type, answered one coordinator per key.
 */
export const FindCoordinator = api({
  apiKey: 10,
  name: 'FindCoordinator',
  request: message({
    name: 'FindCoordinatorRequest',
    validVersions: '0-4',
    flexibleVersions: '3+',
    fields: [
      field('key', t.string, { versions: '0-3' }),
      field('keyType', t.int8, { versions: '1+', default: 0 }),
      field('coordinatorKeys', t.array(t.string), { versions: '4+' }),
    ],
  }),
  response: message({
    name: 'FindCoordinatorResponse',
    validVersions: '0-4',
    flexibleVersions: '3+',
    fields: [
      field('throttleTimeMs', t.int32, { versions: '1+' }),
      field('errorCode', t.int16, { versions: '0-3' }),
      field('errorMessage', t.string, { versions: '1-3', nullable: '1-3' }),
      field('nodeId', t.int32, { versions: '0-3' }),
      field('host', t.string, { versions: '0-3' }),
      field('port', t.int32, { versions: '0-3' }),
      field(
        'coordinators',
        t.array(
          t.struct(
            field('key', t.string, { versions: '4+' }),
            field('nodeId', t.int32, { versions: '4+' }),
            field('host', t.string, { versions: '4+' }),
            field('port', t.int32, { versions: '4+' }),
            field('errorCode', t.int16, { versions: '4+' }),
            field('errorMessage', t.string, { versions: '4+', nullable: '4+' }),
          ),
        ),
        { versions: '4+' },
      ),
    ],
  }),
});

import { decode, ErrorCode, encode, FindCoordinator, type InputOf, type ResponseOf } from '@runnel/protocol';
import { RunnelError } from '../../errors/runnel-error.js';
import {
  BATCHED_FIND_COORDINATOR_VERSION,
  findCoordinatorRequest,
  groupCoordinatorIn,
} from './find-coordinator.js';

/** A response through the real codec at `version`, as the client reads it off the wire. */
function answered(version: number, body: InputOf<ResponseOf<typeof FindCoordinator>>) {
  return decode(FindCoordinator.response, version, encode(FindCoordinator.response, version, body));
}

describe('FindCoordinator for a group', () => {
  const unbatched = [0, 1, 2, 3];

  it.each(unbatched)('v%i sends the group as the one key and reads the top-level answer', (version) => {
    const sent = decode(
      FindCoordinator.request,
      version,
      encode(FindCoordinator.request, version, findCoordinatorRequest(version, 'billing')),
    );
    expect(sent).toMatchObject({ key: 'billing', keyType: 0, coordinatorKeys: [] });

    const response = answered(version, {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      nodeId: 3,
      host: 'broker-3.internal',
      port: 9094,
    });
    expect(groupCoordinatorIn(version, 'billing', response)).toEqual({
      errorCode: ErrorCode.NONE,
      // v0 has no errorMessage field: it decodes as the string default.
      errorMessage: version === 0 ? '' : null,
      nodeId: 3,
      host: 'broker-3.internal',
      port: 9094,
    });
  });

  it('v3 reads a top-level error code with its message', () => {
    const response = answered(3, {
      errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE,
      errorMessage: 'loading',
      nodeId: -1,
      host: '',
      port: -1,
    });
    expect(groupCoordinatorIn(3, 'billing', response)).toMatchObject({
      errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE,
      errorMessage: 'loading',
    });
  });

  it('v4 sends the group as a batch of one key and reads its own entry of coordinators', () => {
    const version = BATCHED_FIND_COORDINATOR_VERSION;
    const sent = decode(
      FindCoordinator.request,
      version,
      encode(FindCoordinator.request, version, findCoordinatorRequest(version, 'billing')),
    );
    expect(sent).toEqual({ key: '', keyType: 0, coordinatorKeys: ['billing'] });

    const response = answered(version, {
      coordinators: [
        { key: 'other', nodeId: 1, host: 'wrong', port: 1, errorCode: ErrorCode.NONE, errorMessage: null },
        {
          key: 'billing',
          nodeId: 3,
          host: 'broker-3.internal',
          port: 9094,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
        },
      ],
    });
    expect(groupCoordinatorIn(version, 'billing', response)).toEqual({
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      nodeId: 3,
      host: 'broker-3.internal',
      port: 9094,
    });
  });

  it("v4 reads the error code of the group's entry, not a top-level one", () => {
    const response = answered(BATCHED_FIND_COORDINATOR_VERSION, {
      coordinators: [
        {
          key: 'billing',
          nodeId: -1,
          host: '',
          port: -1,
          errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
          errorMessage: 'loading offsets',
        },
      ],
    });
    expect(groupCoordinatorIn(BATCHED_FIND_COORDINATOR_VERSION, 'billing', response)).toMatchObject({
      errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
      errorMessage: 'loading offsets',
    });
  });

  it('v4 refuses an answer without an entry for the group, naming it and the keys answered', () => {
    const response = answered(BATCHED_FIND_COORDINATOR_VERSION, {
      coordinators: [
        { key: 'other', nodeId: 1, host: 'h', port: 1, errorCode: ErrorCode.NONE, errorMessage: null },
      ],
    });
    const read = () => groupCoordinatorIn(BATCHED_FIND_COORDINATOR_VERSION, 'billing', response);
    expect(read).toThrow(RunnelError);
    expect(read).toThrow(
      "group 'billing' FindCoordinator v4: the answer has no coordinator for the group (keys: 'other')",
    );
  });
});

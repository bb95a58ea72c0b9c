import type { JoinGroupResult, SyncGroupResult } from './membership-types.js';

/** A JoinGroup answer carrying only an error (and the member id the client should use next). */
export function joinError(memberId: string, errorCode: number): JoinGroupResult {
  return { errorCode, generationId: -1, protocolName: '', leader: '', memberId, members: [] };
}

export function syncError(errorCode: number): SyncGroupResult {
  return { errorCode, assignment: Buffer.alloc(0) };
}

import type { GroupCoordinator } from '@runnel/coordinator';
import { type InputOf, ListGroups, type RequestOf, type ResponseOf } from '@runnel/protocol';
import type { ApiHandler } from './api-handler.js';

type Request = RequestOf<typeof ListGroups>;
type Response = InputOf<ResponseOf<typeof ListGroups>>;

/** ListGroups v0-2: every group this broker coordinates, with its protocol type ('consumer' for consumers). */
export class ListGroupsHandler implements ApiHandler<Request, Response> {
  readonly api = ListGroups;

  constructor(private readonly coordinator: GroupCoordinator) {}

  async handle(): Promise<Response> {
    const { errorCode, groups } = await this.coordinator.listGroups();
    return {
      throttleTimeMs: 0,
      errorCode,
      groups: groups.map(({ groupId, protocolType }) => ({ groupId, protocolType })),
    };
  }

  errorResponse(_request: Request | null, errorCode: number): Response {
    return { throttleTimeMs: 0, errorCode, groups: [] };
  }
}

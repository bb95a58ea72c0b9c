import { CreateAclsHandler } from './create-acls.handler.js';
import { DeleteAclsHandler } from './delete-acls.handler.js';
import { DescribeAclsHandler } from './describe-acls.handler.js';
import type { HandlerDependencies, HandlerGroup } from './handler-group.js';

/** The ACL APIs: describing, creating and deleting the authorizer's ACLs. */
export function aclHandlers({ authorizer }: HandlerDependencies): HandlerGroup {
  return {
    handlers: [
      new DescribeAclsHandler(authorizer),
      new CreateAclsHandler(authorizer),
      new DeleteAclsHandler(authorizer),
    ],
  };
}

import {
  AclOperation,
  AclPatternType,
  AclPermissionType,
  AclResourceType,
  CreateAcls,
  DeleteAcls,
  DescribeAcls,
  ErrorCode,
  KafkaError,
} from '@runnel/protocol';
import { noMorePositionals, requirePositional, stringOption, stringsOption } from '../args.js';
import { write } from '../cli-io.js';
import type { Command, CommandContext } from '../command.js';
import { toJsonLine } from '../format/json.js';
import { renderTable } from '../format/table.js';
import { UsageError } from '../usage-error.js';

const USAGE = `Usage:
  runnel acls list   [<resource>] [--principal P] [--resource-pattern-type T] [--json]
  runnel acls add    <resource> (--allow-principal P | --deny-principal P)... --operation OP... [--allow-host H] [--deny-host H]
                     [--resource-pattern-type literal|prefixed]
  runnel acls remove [<resource>] [--allow-principal P | --deny-principal P]... [--operation OP]... [--resource-pattern-type T]

  <resource>, one of:      --topic T | --group G | --transactional-id ID | --cluster   (a name of * means every one)
  --allow-principal P      a principal the ACL allows, User:alice or User:* (repeatable)
  --deny-principal P       a principal the ACL denies (repeatable)
  --allow-host H, --deny-host H
                           the host the principals connect from (default *, every host)
  --operation OP           Read, Write, Create, Delete, Alter, Describe, ClusterAction, DescribeConfigs,
                           AlterConfigs, IdempotentWrite or All (repeatable; add defaults to none, remove to any)
  --resource-pattern-type  literal (default of add) or prefixed; list and remove also take any (their default)
                           and match (every ACL that applies to the named resource)
  --principal P            list only the ACLs of this principal
  As kafka-acls.sh: the broker must run with --authorizer acl, and the caller needs Alter on the
  cluster to add or remove ACLs and Describe on it to list them.
`;

const OPTIONS = {
  topic: { type: 'string' },
  group: { type: 'string' },
  'transactional-id': { type: 'string' },
  cluster: { type: 'boolean' },
  'allow-principal': { type: 'string', multiple: true },
  'deny-principal': { type: 'string', multiple: true },
  'allow-host': { type: 'string' },
  'deny-host': { type: 'string' },
  operation: { type: 'string', multiple: true },
  'resource-pattern-type': { type: 'string' },
  principal: { type: 'string' },
} as const;

/** kafka-acls.sh's operation names, case-insensitive, as Kafka's AclOperation.fromString. */
const OPERATIONS: Record<string, AclOperation> = {
  read: AclOperation.READ,
  write: AclOperation.WRITE,
  create: AclOperation.CREATE,
  delete: AclOperation.DELETE,
  alter: AclOperation.ALTER,
  describe: AclOperation.DESCRIBE,
  clusteraction: AclOperation.CLUSTER_ACTION,
  describeconfigs: AclOperation.DESCRIBE_CONFIGS,
  alterconfigs: AclOperation.ALTER_CONFIGS,
  idempotentwrite: AclOperation.IDEMPOTENT_WRITE,
  all: AclOperation.ALL,
};
const PATTERN_TYPES: Record<string, AclPatternType> = {
  literal: AclPatternType.LITERAL,
  prefixed: AclPatternType.PREFIXED,
  any: AclPatternType.ANY,
  match: AclPatternType.MATCH,
};

type Values = ReturnType<CommandContext['parse']>['values'];

/** One ACL as listed: Kafka's names rather than codes. */
interface ListedAcl {
  principal: string;
  host: string;
  operation: string;
  permission: string;
  resourceType: string;
  resourceName: string;
  patternType: string;
}

export const aclsCommand: Command = {
  name: 'acls',
  summary: 'list, add, remove ACLs (kafka-acls.sh)',
  usage: USAGE,
  async run(args: readonly string[], context: CommandContext): Promise<number> {
    const { values, positionals, globals } = context.parse(args, OPTIONS);
    const action = requirePositional(positionals, 0, 'action: list, add or remove');
    noMorePositionals(positionals, 1);
    const runnel = context.runnel(globals);
    const send = async <T>(
      use: (connection: Awaited<ReturnType<typeof runnel.cluster.anyConnection>>) => Promise<T>,
    ) => {
      try {
        await runnel.cluster.connect();
        return await use(await runnel.cluster.anyConnection());
      } finally {
        await runnel.cluster.disconnect().catch(() => undefined);
      }
    };
    switch (action) {
      case 'list': {
        const filter = bindingFilter(
          values,
          principalsOf(values)[0]?.principal ?? stringOption(values, 'principal') ?? null,
        );
        const answer = await send((c) => c.request(DescribeAcls, filter));
        throwIfError(answer.errorCode, answer.errorMessage);
        const acls = answer.resources.flatMap((r) =>
          r.acls.map((a) =>
            listed({
              ...a,
              resourceType: r.resourceType,
              resourceName: r.resourceName,
              patternType: r.patternType,
            }),
          ),
        );
        await write(context.io.stdout, globals.json ? toJsonLine({ acls }) : table(acls));
        return 0;
      }
      case 'add': {
        const creations = creationsOf(values);
        const answer = await send((c) => c.request(CreateAcls, { creations }));
        for (const { errorCode, errorMessage } of answer.results) throwIfError(errorCode, errorMessage);
        const acls = creations.map((c) => listed({ ...c, patternType: c.resourcePatternType }));
        await write(context.io.stdout, globals.json ? toJsonLine({ added: acls }) : `Added:\n${table(acls)}`);
        return 0;
      }
      case 'remove': {
        const principals = principalsOf(values);
        const base = bindingFilter(values, null);
        const filters =
          principals.length === 0
            ? [base]
            : principals.map(({ principal, permissionType, host }) => ({
                ...base,
                principalFilter: principal,
                permissionType,
                hostFilter: host,
              }));
        const withOperations = operationsOf(values, AclOperation.ANY).flatMap((operation) =>
          filters.map((f) => ({ ...f, operation })),
        );
        const answer = await send((c) => c.request(DeleteAcls, { filters: withOperations }));
        const removed: ListedAcl[] = [];
        for (const result of answer.filterResults) {
          throwIfError(result.errorCode, result.errorMessage);
          for (const acl of result.matchingAcls) removed.push(listed(acl));
        }
        await write(
          context.io.stdout,
          globals.json ? toJsonLine({ removed }) : `Removed:\n${table(removed)}`,
        );
        return 0;
      }
      default:
        throw new UsageError(`unknown action '${action}': expected list, add or remove`);
    }
  },
};

/** The resource named by --topic, --group, --transactional-id or --cluster; undefined when none is. */
function resourceOf(values: Values): { resourceType: AclResourceType; resourceName: string } | undefined {
  const named = [
    ['topic', AclResourceType.TOPIC],
    ['group', AclResourceType.GROUP],
    ['transactional-id', AclResourceType.TRANSACTIONAL_ID],
  ] as const;
  const given = named.flatMap(
    ([flag, resourceType]): { resourceType: AclResourceType; resourceName: string }[] => {
      const name = stringOption(values, flag);
      return name === undefined ? [] : [{ resourceType, resourceName: name }];
    },
  );
  if (values.cluster === true)
    given.push({ resourceType: AclResourceType.CLUSTER, resourceName: 'kafka-cluster' });
  if (given.length > 1)
    throw new UsageError('give one resource: --topic, --group, --transactional-id or --cluster');
  return given[0];
}

function patternTypeOf(values: Values, fallback: AclPatternType, allowed: readonly string[]): AclPatternType {
  const raw = stringOption(values, 'resource-pattern-type');
  if (raw === undefined) return fallback;
  const type = PATTERN_TYPES[raw.toLowerCase()];
  if (type === undefined || !allowed.includes(raw.toLowerCase())) {
    throw new UsageError(`--resource-pattern-type ${raw}: expected ${allowed.join(', ')}`);
  }
  return type;
}

function operationsOf(values: Values, fallback?: AclOperation): AclOperation[] {
  const names = stringsOption(values, 'operation');
  if (names.length === 0) {
    if (fallback === undefined) throw new UsageError('add needs at least one --operation');
    return [fallback];
  }
  return names.map((name) => {
    const operation = OPERATIONS[name.toLowerCase()];
    if (operation === undefined) {
      throw new UsageError(
        `--operation ${name}: expected one of Read, Write, Create, Delete, Alter, Describe, ClusterAction, DescribeConfigs, AlterConfigs, IdempotentWrite, All`,
      );
    }
    return operation;
  });
}

/** Each --allow-principal with --allow-host, each --deny-principal with --deny-host. */
function principalsOf(
  values: Values,
): { principal: string; permissionType: AclPermissionType; host: string }[] {
  const of = (flag: string, hostFlag: string, permissionType: AclPermissionType) =>
    stringsOption(values, flag).map((principal) => {
      if (!/^[^:]+:.+$/.test(principal))
        throw new UsageError(`--${flag} ${principal}: expected Type:name, as User:alice`);
      return { principal, permissionType, host: stringOption(values, hostFlag) ?? '*' };
    });
  return [
    ...of('allow-principal', 'allow-host', AclPermissionType.ALLOW),
    ...of('deny-principal', 'deny-host', AclPermissionType.DENY),
  ];
}

function creationsOf(values: Values) {
  const resource = resourceOf(values);
  if (resource === undefined)
    throw new UsageError('add needs a resource: --topic, --group, --transactional-id or --cluster');
  const principals = principalsOf(values);
  if (principals.length === 0) throw new UsageError('add needs --allow-principal or --deny-principal');
  const resourcePatternType = patternTypeOf(values, AclPatternType.LITERAL, ['literal', 'prefixed']);
  return operationsOf(values).flatMap((operation) =>
    principals.map(({ principal, permissionType, host }) => ({
      ...resource,
      resourcePatternType,
      principal,
      host,
      operation,
      permissionType,
    })),
  );
}

function bindingFilter(values: Values, principal: string | null) {
  const resource = resourceOf(values);
  return {
    resourceTypeFilter: resource?.resourceType ?? AclResourceType.ANY,
    resourceNameFilter: resource?.resourceName ?? null,
    patternTypeFilter: patternTypeOf(values, AclPatternType.ANY, ['literal', 'prefixed', 'any', 'match']),
    principalFilter: principal,
    hostFilter: null,
    operation: AclOperation.ANY,
    permissionType: AclPermissionType.ANY,
  };
}

function listed(acl: {
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
  resourceType: number;
  resourceName: string;
  patternType: number;
}): ListedAcl {
  return {
    principal: acl.principal,
    host: acl.host,
    operation: AclOperation[acl.operation] ?? String(acl.operation),
    permission: AclPermissionType[acl.permissionType] ?? String(acl.permissionType),
    resourceType: AclResourceType[acl.resourceType] ?? String(acl.resourceType),
    resourceName: acl.resourceName,
    patternType: AclPatternType[acl.patternType] ?? String(acl.patternType),
  };
}

function table(acls: readonly ListedAcl[]): string {
  return renderTable(
    ['PRINCIPAL', 'HOST', 'OPERATION', 'PERMISSION', 'RESOURCE-TYPE', 'NAME', 'PATTERN'],
    acls.map((a) => [
      a.principal,
      a.host,
      a.operation,
      a.permission,
      a.resourceType,
      a.resourceName,
      a.patternType,
    ]),
  );
}

function throwIfError(errorCode: number, errorMessage: string | null): void {
  if (errorCode !== ErrorCode.NONE) throw KafkaError.fromCode(errorCode, { message: errorMessage });
}

import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { TopicsService } from '../cluster/topics-service.js';
import { ConsoleRequestError } from '../console-errors.js';
import { GroupsService } from '../groups/groups-service.js';
import { LagSampler } from '../groups/lag-sampler.js';
import { MessageBrowser } from '../messages/message-browser.js';
import { MessageProducer } from '../messages/message-producer.js';
import { parseBrowseQuery } from './browse-query.js';
// biome-ignore lint/style/useImportType: ValidationPipe reads the parameter's class from decorator metadata at runtime
import { CreateTopicDto, ProduceDto, ResetOffsetsDto } from './dto.js';

/**
 * The JSON API the pages poll and any script may use. Offsets are decimal strings, lag numbers,
 * times milliseconds since the epoch. Errors: `{ statusCode, error, message }` (ConsoleErrorsFilter).
 * With `--read-only` every POST and DELETE answers 403 (ReadOnlyGuard). A change sent by a page of
 * another site answers 403, and a body that is not `application/json` 415 (SameOriginGuard).
 */
@Controller('api')
export class ApiController {
  constructor(
    @Inject(TopicsService) private readonly topics: TopicsService,
    @Inject(MessageBrowser) private readonly browser: MessageBrowser,
    @Inject(MessageProducer) private readonly producer: MessageProducer,
    @Inject(GroupsService) private readonly groups: GroupsService,
    @Inject(LagSampler) private readonly sampler: LagSampler,
  ) {}

  @Get('cluster')
  cluster() {
    return this.topics.overview();
  }

  @Get('topics')
  listTopics(@Query('filter') filter?: string) {
    return this.topics.list(filter ?? '');
  }

  @Post('topics')
  createTopic(@Body() body: CreateTopicDto) {
    return this.topics.create({
      name: body.name,
      partitions: body.partitions,
      replicationFactor: body.replicationFactor,
      configs: stringRecord(body.configs),
    });
  }

  @Get('topics/:name')
  topic(@Param('name') name: string) {
    return this.topics.describe(name);
  }

  @Delete('topics/:name')
  @HttpCode(204)
  deleteTopic(@Param('name') name: string) {
    return this.topics.delete(name);
  }

  @Get('topics/:name/messages')
  messages(@Param('name') name: string, @Query() query: Record<string, unknown>) {
    return this.browser.browse(parseBrowseQuery(name, query));
  }

  @Post('topics/:name/messages')
  produce(@Param('name') topic: string, @Body() body: ProduceDto) {
    return this.producer.produce({
      topic,
      key: body.key ?? null,
      value: body.value,
      headers: stringRecord(body.headers),
      partition: body.partition,
    });
  }

  @Get('groups')
  listGroups() {
    return this.groups.list();
  }

  @Get('groups/:groupId')
  group(@Param('groupId') groupId: string) {
    return this.groups.describe(groupId);
  }

  /** Every group's total lag as the console sampled it, on one time axis: `{ times, series: [{ groupId, lags }] }`. */
  @Get('lag-history')
  allLagHistory() {
    return this.sampler.history.table();
  }

  /** The group's total lag as the console sampled it over the last minutes. */
  @Get('groups/:groupId/lag-history')
  lagHistory(@Param('groupId') groupId: string) {
    return { groupId, samples: this.sampler.history.series(groupId) };
  }

  @Post('groups/:groupId/reset-offsets')
  @HttpCode(200)
  resetOffsets(@Param('groupId') groupId: string, @Body() body: ResetOffsetsDto) {
    return this.groups.reset(groupId, {
      topic: body.topic,
      to: body.to,
      timestamp: body.timestamp,
      offset: body.offset === undefined ? undefined : BigInt(body.offset),
      dryRun: body.dryRun,
    });
  }
}

/** Configs and headers are string to string; anything else is refused naming the entry. */
function stringRecord(record: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(record ?? {})) {
    if (typeof value !== 'string')
      throw new ConsoleRequestError(400, `'${name}' = ${JSON.stringify(value)}: must be a string`);
    out[name] = value;
  }
  return out;
}

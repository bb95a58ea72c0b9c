import { Controller, Get, Header, Inject, Param, Query } from '@nestjs/common';
import { parseBrowseQuery } from '../api/browse-query.js';
import { TopicsService } from '../cluster/topics-service.js';
import { CONSOLE_CONFIG } from '../console.tokens.js';
import type { ConsoleConfig } from '../console-config.js';
import { GroupsService } from '../groups/groups-service.js';
import { MessageBrowser } from '../messages/message-browser.js';
import { groupDetailView, groupsTable, lagChart, resetForm } from './group-views.js';
import { html } from './html.js';
import { layout } from './layout.js';
import {
  browseForm,
  configsTable,
  createTopicForm,
  deleteTopicForm,
  live,
  messagesTable,
  overviewView,
  partitionsTable,
  produceForm,
  region,
  settle,
  topicsTable,
} from './topic-views.js';

/**
 * The console's pages, rendered on the server from the same services as the API. A page always
 * renders: what the cluster could not answer (a broker down, a topic deleted meanwhile) is shown
 * as an error in the region it would have filled. Actions are left out with --read-only.
 */
@Controller()
export class PagesController {
  constructor(
    @Inject(TopicsService) private readonly topics: TopicsService,
    @Inject(GroupsService) private readonly groups: GroupsService,
    @Inject(MessageBrowser) private readonly browser: MessageBrowser,
    @Inject(CONSOLE_CONFIG) private readonly config: ConsoleConfig,
  ) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  async overview(): Promise<string> {
    const overview = await settle(this.topics.overview());
    return layout(
      { title: 'Overview', section: 'overview', readOnly: this.config.readOnly },
      live('overview', overview, overviewView),
    );
  }

  @Get('topics')
  @Header('Content-Type', 'text/html; charset=utf-8')
  async topicList(@Query('filter') filter = ''): Promise<string> {
    const topics = await settle(this.topics.list(filter));
    return layout(
      { title: 'Topics', section: 'topics', readOnly: this.config.readOnly },
      html`<form method="get" class="filter"><label>Filter <input name="filter" value="${filter}" data-filter-rows="#topics" placeholder="part of a topic name" autocomplete="off"></label></form>
${live('topics', topics, topicsTable)}
${!this.config.readOnly && createTopicForm()}`,
    );
  }

  @Get('topics/:name')
  @Header('Content-Type', 'text/html; charset=utf-8')
  async topic(@Param('name') name: string, @Query() query: Record<string, string>): Promise<string> {
    const topic = await settle(this.topics.describe(name));
    const frame = { title: `Topic ${name}`, section: 'topics' as const, readOnly: this.config.readOnly };
    if (!topic.ok)
      return layout(
        frame,
        html`${live('partitions', topic, () => html``)}<p><a href="/topics">All topics</a></p>`,
      );
    const detail = topic.value;
    const browse = await settle(
      (async () => {
        const q = parseBrowseQuery(name, query);
        return { q, result: await this.browser.browse(q) };
      })(),
    );
    // Not live: a browse is read when asked for, and stays while it is read.
    const messages = region('messages', browse, ({ q, result }) => messagesTable(q, result));
    return layout(
      frame,
      html`${live('partitions', topic, partitionsTable)}
<h2>Messages</h2>
${browseForm(detail, query)}
${!this.config.readOnly && produceForm(detail)}
${messages}
<h2>Configs</h2>
${configsTable(detail)}
${!this.config.readOnly && deleteTopicForm(name)}`,
    );
  }

  @Get('groups')
  @Header('Content-Type', 'text/html; charset=utf-8')
  async groupList(): Promise<string> {
    const groups = await settle(this.groups.list());
    return layout(
      { title: 'Consumer groups', section: 'groups', readOnly: this.config.readOnly, chart: true },
      html`${live('groups', groups, groupsTable)}
${lagChart('')}`,
    );
  }

  @Get('groups/:groupId')
  @Header('Content-Type', 'text/html; charset=utf-8')
  async group(@Param('groupId') groupId: string): Promise<string> {
    const group = await settle(this.groups.describe(groupId));
    return layout(
      { title: `Group ${groupId}`, section: 'groups', readOnly: this.config.readOnly, chart: true },
      html`${live('group', group, groupDetailView)}
${lagChart(groupId)}
${!this.config.readOnly && group.ok && resetForm(group.value)}`,
    );
  }
}

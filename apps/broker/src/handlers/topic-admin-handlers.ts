import { AlterConfigsHandler } from './alter-configs.handler.js';
import { CreatePartitionsHandler } from './create-partitions.handler.js';
import { CreateTopicsHandler } from './create-topics.handler.js';
import { DeleteRecordsHandler } from './delete-records.handler.js';
import { DeleteTopicsHandler } from './delete-topics.handler.js';
import { DescribeConfigsHandler } from './describe-configs.handler.js';
import { DescribeLogDirsHandler } from './describe-log-dirs.handler.js';
import type { HandlerDependencies, HandlerGroup } from './handler-group.js';
import { IncrementalAlterConfigsHandler } from './incremental-alter-configs.handler.js';
import { MetadataHandler } from './metadata.handler.js';

/** Metadata and topic administration: creating, growing, describing, reconfiguring and deleting topics and records, and the log directory's sizes. */
export function topicAdminHandlers({
  config,
  topics,
  endpoint,
  cluster,
  authorizer,
}: HandlerDependencies): HandlerGroup {
  return {
    handlers: [
      new MetadataHandler(topics, endpoint, authorizer, cluster),
      new CreateTopicsHandler(topics, config, authorizer, cluster),
      new DeleteTopicsHandler(topics, config.deleteTopicEnable, authorizer, cluster?.topicAdmin),
      new CreatePartitionsHandler(topics, authorizer, cluster?.topicAdmin),
      new DescribeConfigsHandler(topics, config, authorizer, cluster?.topicAdmin),
      new AlterConfigsHandler(topics, config, authorizer, cluster?.topicAdmin),
      new IncrementalAlterConfigsHandler(topics, config, authorizer, cluster?.topicAdmin),
      new DeleteRecordsHandler(topics, authorizer),
      new DescribeLogDirsHandler(topics, config.dataDir, authorizer),
    ],
  };
}

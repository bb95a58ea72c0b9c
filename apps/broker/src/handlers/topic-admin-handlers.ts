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
export function topicAdminHandlers({ config, topics, endpoint, cluster }: HandlerDependencies): HandlerGroup {
  return {
    handlers: [
      new MetadataHandler(topics, endpoint, cluster),
      new CreateTopicsHandler(topics, config, cluster),
      new DeleteTopicsHandler(topics, config.deleteTopicEnable),
      new CreatePartitionsHandler(topics),
      new DescribeConfigsHandler(topics, config),
      new IncrementalAlterConfigsHandler(topics, config),
      new DeleteRecordsHandler(topics),
      new DescribeLogDirsHandler(topics, config.dataDir),
    ],
  };
}

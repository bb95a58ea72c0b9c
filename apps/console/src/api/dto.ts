import {
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import type { ResetTo } from '../groups/groups-service.js';

/** Kafka's legal topic names: 1-249 of [a-zA-Z0-9._-] (Topic.validate), and not `.` or `..`. */
export const TOPIC_NAME = /^(?!\.{1,2}$)[a-zA-Z0-9._-]{1,249}$/;

/** `POST /api/topics`. */
export class CreateTopicDto {
  @Matches(TOPIC_NAME, { message: 'name must be 1 to 249 of a-z, A-Z, 0-9, ".", "_", "-" (not "." or "..")' })
  name!: string;

  @IsInt()
  @Min(1)
  @Max(10_000)
  partitions!: number;

  @IsInt()
  @Min(1)
  @Max(32)
  replicationFactor!: number;

  /** Topic configs by name (`retention.ms`, `cleanup.policy`, ...); default none. */
  @IsOptional()
  @IsObject()
  configs?: Record<string, string>;
}

/** `POST /api/topics/:name/messages`. */
export class ProduceDto {
  @IsOptional()
  @IsString()
  key?: string | null;

  @ValidateIf((_, v) => v !== null)
  @IsString()
  value!: string | null;

  @IsOptional()
  @IsObject()
  headers?: Record<string, string>;

  @IsOptional()
  @IsInt()
  @Min(0)
  partition?: number;
}

/** `POST /api/groups/:groupId/reset-offsets`. */
export class ResetOffsetsDto {
  @IsOptional()
  @Matches(TOPIC_NAME, { message: 'topic must be a topic name' })
  topic?: string;

  @IsIn(['earliest', 'latest', 'timestamp', 'offset'])
  to!: ResetTo;

  @ValidateIf((o: ResetOffsetsDto) => o.to === 'timestamp')
  @IsInt()
  @Min(0)
  timestamp?: number;

  @ValidateIf((o: ResetOffsetsDto) => o.to === 'offset')
  @Matches(/^\d{1,19}$/, { message: 'offset must be a whole number (a decimal string)' })
  offset?: string;

  @IsBoolean()
  dryRun!: boolean;
}

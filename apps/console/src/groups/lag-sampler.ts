import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { CONSOLE_CONFIG } from '../console.tokens.js';
import type { ConsoleConfig } from '../console-config.js';
import { GroupsService } from './groups-service.js';
import { LagHistory } from './lag-history.js';

/**
 * Samples every group's total lag each `lagSampleMs` into a LagHistory, for the charts. One round
 * at a time: a round slower than the interval delays the next instead of piling up. A failed round
 * (the broker down) is logged once per outage and leaves a gap in the charts.
 */
@Injectable()
export class LagSampler implements OnModuleInit, OnModuleDestroy {
  readonly history = new LagHistory();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private failing = false;
  private readonly logger = new Logger('LagSampler');

  constructor(
    @Inject(GroupsService) private readonly groups: GroupsService,
    @Inject(CONSOLE_CONFIG) private readonly config: ConsoleConfig,
  ) {}

  onModuleInit(): void {
    void this.round();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async round(): Promise<void> {
    try {
      const groups = await this.groups.list();
      this.history.record(Date.now(), new Map(groups.map((g) => [g.groupId, g.totalLag])));
      this.failing = false;
    } catch (error) {
      // A round cut short by the console closing is no failure worth a line.
      if (!this.failing && !this.stopped)
        this.logger.warn(`lag sampling failed: ${(error as Error).message}`);
      this.failing = true;
    }
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.round(), this.config.lagSampleMs);
    this.timer.unref();
  }
}

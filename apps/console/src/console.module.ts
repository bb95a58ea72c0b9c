import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AllowedHostGuard } from './api/allowed-host.guard.js';
import { ApiController } from './api/api.controller.js';
import { ConsoleErrorsFilter } from './api/console-errors.filter.js';
import { ReadOnlyGuard } from './api/read-only.guard.js';
import { SameOriginGuard } from './api/same-origin.guard.js';
import { ClusterClient } from './cluster/cluster-client.js';
import { TopicsService } from './cluster/topics-service.js';
import { CONSOLE_CONFIG } from './console.tokens.js';
import type { ConsoleConfig } from './console-config.js';
import { GroupsService } from './groups/groups-service.js';
import { LagSampler } from './groups/lag-sampler.js';
import { MessageBrowser } from './messages/message-browser.js';
import { MessageProducer } from './messages/message-producer.js';
import { AssetsController } from './pages/assets.controller.js';
import { PagesController } from './pages/pages.controller.js';

/** The console's wiring: one ClusterClient (the only place that knows the brokers) under every service. */
@Module({})
export class ConsoleModule {
  static forRoot(config: ConsoleConfig): DynamicModule {
    return {
      module: ConsoleModule,
      controllers: [ApiController, PagesController, AssetsController],
      providers: [
        { provide: CONSOLE_CONFIG, useValue: config },
        // In this order: a name the console does not answer under is refused first, pages too;
        // then with --read-only every change is 403, whatever it is and wherever it is from.
        { provide: APP_GUARD, useClass: AllowedHostGuard },
        { provide: APP_GUARD, useClass: ReadOnlyGuard },
        { provide: APP_GUARD, useClass: SameOriginGuard },
        { provide: APP_FILTER, useClass: ConsoleErrorsFilter },
        ClusterClient,
        TopicsService,
        GroupsService,
        LagSampler,
        MessageBrowser,
        MessageProducer,
      ],
    };
  }
}

import { type DynamicModule, type InjectionToken, Module, type ModuleMetadata } from '@nestjs/common';
import { ClientRunnel } from '../client/client-runnel.js';
import type { RunnelClientOptions } from '../interfaces/runnel-client-options.interface.js';

/** `RunnelModule.forRoot(...)`: the ClientRunnel options and the token to inject it by. */
export interface RunnelModuleOptions extends RunnelClientOptions {
  /** The injection token: `@Inject(name) client: ClientRunnel`. */
  readonly name: InjectionToken;
}

/** `RunnelModule.forRootAsync(...)`: the options come from a factory with injected dependencies. */
export interface RunnelModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  readonly name: InjectionToken;
  readonly useFactory: (...args: never[]) => RunnelClientOptions | Promise<RunnelClientOptions>;
  readonly inject?: InjectionToken[];
}

/**
 * Provides a ClientRunnel under a name, as NestJS's ClientsModule does for its transports. The
 * client connects on first use (or `connect()`), and closes when the application shuts down.
 */
@Module({})
export class RunnelModule {
  static forRoot({ name, ...options }: RunnelModuleOptions): DynamicModule {
    return {
      module: RunnelModule,
      providers: [{ provide: name, useFactory: () => new ClientRunnel(options) }],
      exports: [name],
    };
  }

  static forRootAsync({
    name,
    useFactory,
    inject = [],
    imports = [],
  }: RunnelModuleAsyncOptions): DynamicModule {
    return {
      module: RunnelModule,
      imports,
      providers: [
        {
          provide: name,
          useFactory: async (...args: never[]) => new ClientRunnel(await useFactory(...args)),
          inject,
        },
      ],
      exports: [name],
    };
  }
}

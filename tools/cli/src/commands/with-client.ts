import type { Admin } from '@runnel/client';
import type { GlobalOptions } from '../args.js';
import type { CommandContext } from '../command.js';

/** Runs `use` with a connected admin client and disconnects it afterwards, whatever happened. */
export async function withAdmin<T>(
  context: CommandContext,
  globals: GlobalOptions,
  use: (admin: Admin) => Promise<T>,
): Promise<T> {
  const admin = context.runnel(globals).admin();
  try {
    await admin.connect();
    return await use(admin);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

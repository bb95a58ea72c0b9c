/** The console's settings (ConsoleConfig). */
export const CONSOLE_CONFIG = Symbol('CONSOLE_CONFIG');

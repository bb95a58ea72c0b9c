import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrokerConfig } from '../src/config/broker-config.js';
import { BROKER_OPTION_NAMES, optionFlag, optionVariable, usage } from '../src/config/load-config.js';

const README = join(dirname(fileURLToPath(import.meta.url)), '..', 'README.md');

/** The rows of the README's options table, as [option, flag, environment, default]. */
function optionRows(): string[][] {
  const text = readFileSync(README, 'utf8');
  const table = text.slice(text.indexOf('| option'));
  return table
    .split('\n')
    .slice(2)
    .filter((line, i, lines) => line.startsWith('|') && lines.slice(0, i).every((l) => l.startsWith('|')))
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim().replaceAll('`', '')),
    );
}

describe('the README options table', () => {
  it('has one row per option, in the order of --help, with its flag and RUNNEL_* variable', () => {
    expect(optionRows().map(([option, flag, variable]) => [option, flag, variable])).toEqual(
      BROKER_OPTION_NAMES.map((name) => [name, optionFlag(name), optionVariable(name)]),
    );
    for (const name of BROKER_OPTION_NAMES) {
      expect(usage()).toMatch(new RegExp(`^  ${optionFlag(name)} +${optionVariable(name)} `, 'm'));
    }
  });

  it('gives each option the default BrokerConfig has', () => {
    const defaults = new BrokerConfig();
    for (const [option, , , documented] of optionRows()) {
      const value = defaults[option as keyof BrokerConfig];
      if (value === undefined) continue;
      expect([option, documented!.split(' ')[0]]).toEqual([option, String(value)]);
    }
  });
});

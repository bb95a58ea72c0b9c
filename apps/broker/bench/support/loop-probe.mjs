// Loaded into the broker by the benches with `--import` (see bench-broker.mjs), never by the
// broker itself: perf_hooks' monitorEventLoopDelay at 1 ms resolution and the longest GC pause.
// On SIGUSR2 it prints one line, `runnel-bench-loop {"p50","p99","max","gcMax","samples"}` (ms),
// and starts over, so a bench reads the delay of exactly the interval between two signals.
// monitorEventLoopDelay records the time between two ticks of a 1 ms timer, so an idle loop reads
// about 1 ms: the delay a callback suffers is what exceeds that.
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

const histogram = monitorEventLoopDelay({ resolution: 1 });
histogram.enable();
let gcMax = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMax = Math.max(gcMax, entry.duration);
}).observe({ entryTypes: ['gc'] });

process.on('SIGUSR2', () => {
  const ms = (ns) => ns / 1e6;
  const figures = {
    p50: ms(histogram.percentile(50)),
    p99: ms(histogram.percentile(99)),
    max: ms(histogram.max),
    gcMax,
    samples: histogram.count,
  };
  process.stdout.write(`runnel-bench-loop ${JSON.stringify(figures)}\n`);
  histogram.reset();
  gcMax = 0;
});

import {
  filenamePrefixFromOffset,
  parsePartitionDirName,
  parseSegmentFileName,
  partitionDirName,
  segmentFile,
} from './log-file-names.js';

describe('log file names', () => {
  it('segmentFilesAreNamedByBaseOffsetInTwentyDigits', () => {
    expect(filenamePrefixFromOffset(0n)).toBe('00000000000000000000');
    expect(filenamePrefixFromOffset(9223372036854775807n)).toBe('09223372036854775807');
    expect(segmentFile('/d', 42n, '.timeindex')).toBe('/d/00000000000000000042.timeindex');
    expect(segmentFile('/d', 42n, '.log', '.swap')).toBe('/d/00000000000000000042.log.swap');
  });

  it('parsesSegmentFileNamesAndTheirStateSuffix', () => {
    expect(parseSegmentFileName('00000000000000000042.index')).toEqual({
      baseOffset: 42n,
      kind: '.index',
      stateSuffix: '',
    });
    expect(parseSegmentFileName('00000000000000000042.log.cleaned')).toEqual({
      baseOffset: 42n,
      kind: '.log',
      stateSuffix: '.cleaned',
    });
    for (const name of [
      '42.log',
      '00000000000000000042.txt',
      'log-checkpoint',
      '00000000000000000042.log.bak',
    ]) {
      expect(parseSegmentFileName(name)).toBeUndefined();
    }
  });

  it('partitionDirectoriesSplitAtTheLastDash', () => {
    expect(partitionDirName('orders', 3)).toBe('orders-3');
    expect(parsePartitionDirName('my-topic-v2-17')).toEqual({ topic: 'my-topic-v2', partition: 17 });
    expect(parsePartitionDirName('__consumer_offsets-49')).toEqual({
      topic: '__consumer_offsets',
      partition: 49,
    });
    for (const name of ['orders', '-3', 'orders-x', 'orders-99999999999', 'a b-1']) {
      expect(parsePartitionDirName(name)).toBeUndefined();
    }
  });
});

/**
 * The etcd endpoints of `--cluster etcd://host:port[,host:port...]` (each may repeat `etcd://`),
 * as the http:// URLs the etcd client dials. Returns undefined for a value that is not of that
 * form, so the option's validation can name it.
 */
export function etcdEndpoints(cluster: string): string[] | undefined {
  if (!cluster.startsWith('etcd://')) return undefined;
  const hosts = cluster
    .slice('etcd://'.length)
    .split(',')
    .map((h) => h.trim().replace(/^etcd:\/\//, ''));
  if (hosts.some((h) => !/^[A-Za-z0-9.-]+:\d{1,5}$/.test(h) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(h))) {
    return undefined;
  }
  return hosts.map((h) => `http://${h}`);
}

/** What `ServerRunnel.status` and `ClientRunnel.status` emit. */
export enum RunnelStatus {
  /** Every consumer is in a stable group generation (or, for a client, producing and reading replies). */
  CONNECTED = 'connected',
  /** A consumer group is rebalancing: its partitions may move. */
  REBALANCING = 'rebalancing',
  /** Closed, or a consumer stopped after an error. */
  DISCONNECTED = 'disconnected',
}

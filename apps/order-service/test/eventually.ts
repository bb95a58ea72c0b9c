/**
 * Polls `probe` until it returns without throwing, and returns what it returned; after
 * `deadlineMs` rethrows the last failure. For state that other processes reach in their own time
 * (a group consuming, a service answering), where no single event can be awaited.
 */
export async function eventually<T>(
  probe: () => Promise<T> | T,
  deadlineMs = 20_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  }
}

export async function getJson<T = unknown>(url: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as T };
}

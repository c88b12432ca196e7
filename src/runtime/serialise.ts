const queues = new WeakMap<object, Promise<unknown>>();

/**
 * Runs `task` after every task queued earlier on the same key has settled: a mutex for shared
 * resources that are not re-entrant (one human instance per process).
 */
export function serialise<T>(key: object, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.then(task, task);
  queues.set(key, run.catch(() => undefined));
  return run;
}

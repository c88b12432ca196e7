/** The page's side of the search worker: one promise per request. */
import type { SearchRequest, SearchResponse, SearchResults } from './search_protocol.js';

export class SearchWorkerError extends Error {
  override readonly name = 'SearchWorkerError';
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export class SearchClient {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  #next = 1;

  /** @param url the worker script. Defaults to '/search_worker.js'. */
  constructor(url = '/search_worker.js') {
    this.#worker = new Worker(url, { type: 'module', name: 'meme-search' });
    this.#worker.onmessage = (event: MessageEvent<SearchResponse>) => {
      const reply = event.data;
      const waiting = this.#pending.get(reply.id);
      if (!waiting) return;
      this.#pending.delete(reply.id);
      if (reply.ok) waiting.resolve(reply.value);
      else waiting.reject(new SearchWorkerError(reply.error.code, reply.error.message));
    };
    this.#worker.onerror = (event) => {
      const error = new SearchWorkerError('WORKER_FAILED', `The search worker failed: ${event.message}`);
      for (const waiting of this.#pending.values()) waiting.reject(error);
      this.#pending.clear();
    };
  }

  request<K extends SearchRequest['type']>(message: Extract<SearchRequest, { type: K }>): Promise<SearchResults[K]> {
    const id = this.#next++;
    return new Promise<SearchResults[K]>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#worker.postMessage({ ...message, id });
    });
  }

  close(): void {
    this.#worker.terminate();
    for (const waiting of this.#pending.values()) waiting.reject(new SearchWorkerError('CLOSED', 'The search worker was closed'));
    this.#pending.clear();
  }
}

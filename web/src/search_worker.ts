/// <reference lib="webworker" />
/**
 * The search Web Worker: downloads the collection's index, keeps your memes beside it, and answers
 * nearest-meme queries off the page's main thread. Loads no model and no TensorFlow.
 */
import { describeError, isMemeMirrorError } from '../../src/errors.js';
import { MemeSearch } from './meme_search.js';
import type { SearchRequest, SearchResponse, SearchResults } from './search_protocol.js';

declare const self: DedicatedWorkerGlobalScope;

const search = new MemeSearch();

async function handle(request: SearchRequest): Promise<SearchResults[keyof SearchResults]> {
  switch (request.type) {
    case 'load-collection': {
      const response = await fetch(request.url, { cache: 'no-cache' });
      if (!response.ok) throw new Error(`Cannot download the meme index ${request.url}: HTTP ${response.status}`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      return search.loadCollection(bytes, request.modelId, request.dims, request.url);
    }
    case 'upsert-yours':
      return search.upsertYours(request.memes);
    case 'remove-yours':
      return search.removeYours(request.paths);
    case 'search': {
      const started = performance.now();
      const matches = search.search(request.embedding, request.k);
      return { matches, ms: performance.now() - started };
    }
  }
}

self.onmessage = async (event: MessageEvent<SearchRequest & { id: number }>) => {
  const { id } = event.data;
  let reply: SearchResponse;
  try {
    reply = { id, ok: true, value: await handle(event.data) };
  } catch (error) {
    reply = { id, ok: false, error: { code: isMemeMirrorError(error) ? error.code : 'ERROR', message: describeError(error) } };
  }
  self.postMessage(reply);
};

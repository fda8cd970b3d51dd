/**
 * The data worker entry (a module worker, bundled by Vite): parses CSV/TSV, .npy and
 * .safetensors off the main thread so that large files never freeze the page. All logic lives in
 * protocol.ts (`handleRequest`), which Node tests run directly; this file only wires messages.
 * Created by loader.ts with `new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' })`.
 */

import { handleRequest, type WorkerRequest } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.addEventListener('message', (event: MessageEvent<WorkerRequest>) => {
  void handleRequest(event.data).then(({ reply, transfer }) => scope.postMessage(reply, transfer));
});

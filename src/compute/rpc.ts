/**
 * Requests to a worker and their answers, for every worker of the page (compute, its multiply
 * helper, data parsing). The calling side numbers each request; the worker answers it with
 * progress (any number of times), then one reply or one error. A worker says `hello` once its
 * script runs, which `ready` waits for. Terminating a channel rejects what is pending; the next
 * request starts a new worker.
 */

type Answer<R> =
  { id: number; progress: number } | { id: number; reply: R } | { id: number; error: string };
type Request<Q> = { id: number; body: Q };
const HELLO = { hello: true } as const;

interface Pending<R> {
  resolve: (r: R) => void;
  reject: (e: Error) => void;
  onProgress?: (f: number) => void;
}

export interface RequestOptions {
  transfer?: Transferable[];
  onProgress?: (fraction: number) => void;
}

export class WorkerChannel<Q, R> {
  private worker: Worker | null = null;
  private nextId = 1;
  private pending = new Map<number, Pending<R>>();
  private hello: Promise<void> = Promise.resolve();

  /** `make` creates the worker (with `new Worker(new URL(...), ...)`, so the bundler finds it). */
  constructor(private readonly make: () => Worker) {}

  /** Resolves when the worker's script is running. */
  get ready(): Promise<void> {
    this.start();
    return this.hello;
  }

  /** Whether a request is waiting for its answer. */
  get busy(): boolean {
    return this.pending.size > 0;
  }

  /** Starts the worker if it is not running. */
  start(): Worker {
    if (this.worker) return this.worker;
    const w = this.make();
    this.worker = w;
    this.hello = new Promise((resolve) => {
      w.addEventListener('message', function said(e: MessageEvent) {
        if (isHello(e.data)) {
          w.removeEventListener('message', said);
          resolve();
        }
      });
    });
    w.addEventListener('message', (e: MessageEvent<Answer<R> | typeof HELLO>) =>
      this.receive(e.data),
    );
    w.addEventListener('error', (e: ErrorEvent) =>
      this.terminate(new Error(e.message || 'the worker failed to start')),
    );
    return w;
  }

  request(body: Q, opts: RequestOptions = {}): Promise<R> {
    const w = this.start();
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onProgress: opts.onProgress });
      const msg: Request<Q> = { id, body };
      w.postMessage(msg, opts.transfer ?? []);
    });
  }

  /** Follows a request's progress with another callback (a caller that joined it late). */
  setProgress(onProgress: (fraction: number) => void): void {
    for (const p of this.pending.values()) p.onProgress = onProgress;
  }

  /** Stops the worker; pending requests fail with `reason`. */
  terminate(reason: Error): void {
    this.worker?.terminate();
    this.worker = null;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(reason);
  }

  private receive(a: Answer<R> | typeof HELLO): void {
    if (isHello(a)) return;
    const p = this.pending.get(a.id);
    if (!p) return;
    if ('progress' in a) {
      p.onProgress?.(a.progress);
      return;
    }
    this.pending.delete(a.id);
    if ('error' in a) p.reject(new Error(a.error));
    else p.resolve(a.reply);
  }
}

function isHello(d: unknown): d is typeof HELLO {
  return typeof d === 'object' && d !== null && 'hello' in d;
}

/** What a worker's handler gives back: the reply and the buffers to move rather than copy. */
export interface Handled<R> {
  reply: R;
  transfer?: Transferable[];
}

// In a worker module, `self` is the worker's scope (the DOM typings describe a window's).
declare const self: DedicatedWorkerGlobalScope;

/**
 * The worker side: answers every request with `handle` (whose throw becomes the error answer) and
 * says hello. `progress` reports are spaced at least `progressMs` apart.
 */
export function serve<Q, R>(
  handle: (body: Q, progress: (fraction: number) => void) => Promise<Handled<R>> | Handled<R>,
  progressMs = 50,
): void {
  self.addEventListener('message', (e: MessageEvent<Request<Q>>) => {
    const { id, body } = e.data;
    let last = 0;
    const progress = (f: number): void => {
      const now = performance.now();
      if (now - last < progressMs) return;
      last = now;
      self.postMessage({ id, progress: f } satisfies Answer<R>);
    };
    void (async () => {
      try {
        const { reply, transfer } = await handle(body, progress);
        self.postMessage({ id, reply } satisfies Answer<R>, transfer ?? []);
      } catch (err) {
        self.postMessage({
          id,
          error: err instanceof Error ? err.message : String(err),
        } satisfies Answer<R>);
      }
    })();
  });
  self.postMessage(HELLO);
}

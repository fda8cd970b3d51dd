/**
 * The explorer's model worker: opens a model (the built-in one, shipped beside the pages), runs
 * the forward pass on the WebAssembly product kernel and answers a head's leaves. Runs are kept
 * per (model, text): a run computes blocks only up to the layer asked for and keeps them, so
 * switching head, or to a lower layer, computes nothing again.
 */
import { GptRun } from '../core/nn/gpt';
import { charTokenizer, tensorNames } from '../core/nn/weights';
import { headLeaves } from '../core/nn/head-view';
import { matmul } from '../core/tensor/matmul';
import { bytesFromArrayBuffer } from '../data/safetensors';
import { type GptModel, openGptModel } from '../data/gpt-load';
import type { ExplorerReply, ExplorerRequest, HeadName, ModelInfo } from './explorer-protocol';
import { useWasmKernel } from './kernel';
import { type Handled, serve } from './rpc';

useWasmKernel();

interface Loaded {
  model: GptModel;
  info: ModelInfo;
}

const models = new Map<string, Promise<Loaded>>();
/** Recent runs by model and text (a handful: texts are short). */
const runs = new Map<string, GptRun>();
const MAX_RUNS = 8;

async function fetchOk(url: URL): Promise<Response> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`could not load ${url.pathname}: ${r.status} ${r.statusText}`);
  return r;
}

function open(id: string, base: string): Promise<Loaded> {
  let p = models.get(id);
  if (!p) {
    p = (async () => {
      if (id !== 'builtin')
        throw new Error(`unknown model "${id}": only the built-in model is available`);
      const [bytes, heads] = await Promise.all([
        fetchOk(new URL('model.safetensors', base)).then((r) => r.arrayBuffer()),
        fetchOk(new URL('heads.json', base))
          .then((r) => r.json() as Promise<{ heads: HeadName[] }>)
          .catch(() => ({ heads: [] })),
      ]);
      const model = await openGptModel(bytesFromArrayBuffer(bytes));
      if (!model.vocab) throw new Error('the built-in model has no vocabulary in its metadata');
      await model.ensure(tensorNames(model.config, model.config.nLayer - 1));
      return {
        model,
        info: {
          config: model.config,
          vocab: model.vocab,
          heads: Array.isArray(heads.heads) ? heads.heads : [],
        },
      };
    })();
    models.set(id, p);
    p.catch(() => models.delete(id));
  }
  return p;
}

function runFor(id: string, m: GptModel, text: string): GptRun {
  const key = `${id}\n${text}`;
  let run = runs.get(key);
  if (run) {
    runs.delete(key);
  } else {
    const tokens = charTokenizer(m.vocab!).encode(text);
    run = new GptRun(m.weights, tokens, (a, b, I, K, J) => matmul(a, b, I, K, J));
  }
  runs.set(key, run);
  while (runs.size > MAX_RUNS) runs.delete(runs.keys().next().value!);
  return run;
}

async function handle(req: ExplorerRequest): Promise<Handled<ExplorerReply>> {
  if (req.kind === 'open')
    return { reply: { kind: 'open', info: (await open(req.model, req.base)).info } };
  const q = req.query;
  const { model } = await open(q.model, q.base);
  const t0 = performance.now();
  const run = runFor(q.model, model, q.text);
  const leaves = [...headLeaves(run, q.layer, q.head, q.variant, model.weights)];
  return { reply: { kind: 'head', tokens: [...run.tokens], leaves, ms: performance.now() - t0 } };
}

serve<ExplorerRequest, ExplorerReply>(handle);

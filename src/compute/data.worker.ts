/**
 * The data worker: parses CSV/TSV, .npy and .safetensors off the main thread so that large files
 * never freeze the page. All logic lives in data/protocol.ts (`handleRequest`), which Node tests
 * run directly; this file only serves it. Started by data/loader.ts.
 */
import { handleRequest, type WorkerJob, type WorkerReply } from '../data/protocol';
import { serve } from './rpc';

serve<WorkerJob, WorkerReply>(handleRequest);

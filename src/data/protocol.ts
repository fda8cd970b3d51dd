/**
 * The jobs the loader (main thread) gives the data worker and its replies, and the worker's request
 * handler as a pure async function, so that Node tests can run exactly what the worker runs.
 * A request carries the bytes as an ArrayBuffer (transferred) or a Blob/File (read lazily); a
 * reply carries a Tensor whose Float32Array buffer is transferred back, a safetensors header, or a
 * DataError flattened to a plain object.
 */

import { DataError, fromPlainError, toPlainError, type PlainDataError, type Tensor } from './types';
import { parseDelimited, type DelimitedOptions } from './csv';
import { parseNpy } from './npy';
import {
  bytesFromArrayBuffer,
  bytesFromBlob,
  readSafetensorsHeader,
  readSafetensorsTensor,
  type ByteSource,
  type SafetensorsHeader,
} from './safetensors';

export type WorkerJob =
  | { kind: 'csv'; data: ArrayBuffer | Blob; delimiter?: DelimitedOptions['delimiter'] }
  | { kind: 'npy'; data: ArrayBuffer | Blob }
  | { kind: 'safetensors-header'; data: ArrayBuffer | Blob }
  | {
      kind: 'safetensors-tensor';
      data: ArrayBuffer | Blob;
      header: SafetensorsHeader;
      name: string;
      /** File offset of data[0]: lets `data` be just the tensor's bytes fetched by a Range request. */
      base?: number;
    };

export type WorkerReply =
  | { ok: true; tensor: Tensor }
  | { ok: true; header: SafetensorsHeader }
  | { ok: false; error: PlainDataError };

export async function handleRequest(
  req: WorkerJob,
): Promise<{ reply: WorkerReply; transfer: Transferable[] }> {
  try {
    const result = await runJob(req);
    if ('tensor' in result) {
      return { reply: { ok: true, tensor: result.tensor }, transfer: [result.tensor.data.buffer] };
    }
    return { reply: { ok: true, header: result.header }, transfer: [] };
  } catch (err) {
    return { reply: { ok: false, error: toPlainError(err) }, transfer: [] };
  }
}

/** Runs a job in the current thread (the worker, or the main thread for small inputs). */
export async function runJob(
  job: WorkerJob,
): Promise<{ tensor: Tensor } | { header: SafetensorsHeader }> {
  switch (job.kind) {
    case 'csv':
      return {
        tensor: parseDelimited(decodeText(await toArrayBuffer(job.data)), {
          delimiter: job.delimiter,
        }),
      };
    case 'npy':
      return { tensor: parseNpy(await toArrayBuffer(job.data)) };
    case 'safetensors-header':
      return { header: await readSafetensorsHeader(toByteSource(job.data)) };
    case 'safetensors-tensor':
      return {
        tensor: await readSafetensorsTensor(
          shiftSource(toByteSource(job.data), job.base ?? 0),
          job.header,
          job.name,
        ),
      };
  }
}

/** Unwraps a reply: the tensor or header, or throws the DataError it carries. */
export function unwrapReply(
  reply: WorkerReply,
): { tensor: Tensor } | { header: SafetensorsHeader } {
  if (!reply.ok) throw fromPlainError(reply.error);
  return 'tensor' in reply ? { tensor: reply.tensor } : { header: reply.header };
}

/** UTF-8 text (a byte order mark is dropped); invalid sequences become U+FFFD and then fail as cells. */
export function decodeText(buf: ArrayBuffer): string {
  return new TextDecoder('utf-8').decode(buf);
}

function toArrayBuffer(data: ArrayBuffer | Blob): Promise<ArrayBuffer> {
  return data instanceof ArrayBuffer ? Promise.resolve(data) : data.arrayBuffer();
}

function toByteSource(data: ArrayBuffer | Blob): ByteSource {
  return data instanceof ArrayBuffer ? bytesFromArrayBuffer(data) : bytesFromBlob(data);
}

/** A source holding file bytes [base, base + src.size): reads use file offsets. */
export function shiftSource(src: ByteSource, base: number): ByteSource {
  if (base === 0) return src;
  return {
    size: base + src.size,
    read: (start, end) => {
      if (start < base) {
        return Promise.reject(
          new DataError(
            'format',
            `bytes ${start}..${end} are not in the part of the file that was read`,
          ),
        );
      }
      return src.read(start - base, end - base);
    },
  };
}

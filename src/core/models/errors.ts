import { errorMessage } from '../shared/errors';
/**
 * Failures of the model layer that a user must fix (a missing file, a corrupt model, a provider that
 * cannot start), with a message that names the file and what was expected. onnxruntime's own texts
 * ("Protobuf parsing failed", "File doesn't exist") are translated here, in one place.
 */

export type ModelErrorCode =
  | 'missing-file'
  | 'corrupt-model'
  | 'not-a-classifier'
  | 'not-a-causal-lm'
  | 'tokenizer-mismatch'
  | 'bad-config'
  | 'provider-unavailable'
  | 'cancelled'
  | 'runtime';

export class ModelError extends Error {
  constructor(
    message: string,
    readonly code: ModelErrorCode,
    /** The file the message is about, when there is one. */
    readonly file?: string,
  ) {
    super(message);
    this.name = 'ModelError';
  }
}

export function cancelledError(): ModelError {
  return new ModelError('cancelled', 'cancelled');
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelledError();
}

/** onnxruntime's message for a session that failed to load or run, as a ModelError about `file`. */
export function explainOrtError(err: unknown, file: string): ModelError {
  if (err instanceof ModelError) return err;
  const text = errorMessage(err);
  if (/Protobuf parsing failed|ModelProto|Failed to load model/i.test(text)) {
    return new ModelError(`${file}: not a valid ONNX model (${firstLine(text)}); expected an ONNX file exported by Optimum or torch.onnx.export`, 'corrupt-model', file);
  }
  if (/File doesn't exist|No such file|ENOENT/i.test(text)) {
    return new ModelError(`${file}: a file the model needs is missing (${firstLine(text)}); external weights (model.onnx_data) must sit beside model.onnx`, 'missing-file', file);
  }
  if (/indices element out of data bounds|out of range|GatherElements|Gather/i.test(text) && /idx|indices|index/i.test(text)) {
    return new ModelError(`${file}: a token id is outside the model's embedding table (${firstLine(text)}); the tokenizer does not match this model`, 'tokenizer-mismatch', file);
  }
  if (/is missing in 'feeds'|Unexpected input data type|Invalid rank|Got invalid dimensions/i.test(text)) {
    return new ModelError(`${file}: the model's inputs are not the ones expected (${firstLine(text)})`, 'not-a-classifier', file);
  }
  if (/Session already disposed/i.test(text)) return new ModelError(`${file}: the model was already closed`, 'runtime', file);
  return new ModelError(`${file}: ${firstLine(text)}`, 'runtime', file);
}

function firstLine(text: string): string {
  const line = text.split('\n')[0].trim();
  return line.length > 300 ? line.slice(0, 300) + '…' : line;
}

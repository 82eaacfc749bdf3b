import { emulatedBillableUnits } from './billing.ts';
import type { FileStore } from './files.ts';
import { filePath, imageBytes } from './files.ts';
import { jsonResponse } from './json.ts';
import type { EmulatedRequest, FileRef, RequestRecord } from './types.ts';
import { toFalWireJson } from './wire-json.ts';

/** fal's fixed message when a webhook payload could not be serialised (fixture ok-payload-error.json). */
export const PAYLOAD_ERROR_MESSAGE =
  'Response payload is not JSON serializable. Either return a JSON serializable object or use the queue endpoint to retrieve the response.';

export function requestUrls(base: string, record: RequestRecord) {
  const responseUrl = `${base}/${record.appPath}/requests/${record.requestId}`;
  return {
    response_url: responseUrl,
    status_url: `${responseUrl}/status`,
    cancel_url: `${responseUrl}/cancel`,
  };
}

/** The bare model output the result call and the OK webhook carry. */
export function outputPayload(
  base: string,
  record: RequestRecord,
  files: FileStore,
): Record<string, unknown> | null {
  const outcome = record.outcome;
  if (outcome?.kind !== 'ok') return null;
  const file = outcome.fileId ? files.get(outcome.fileId) : undefined;
  return {
    ...(outcome.fileId && {
      video: {
        url: file ? `${base}${filePath(file)}` : null,
        content_type: 'video/mp4',
        file_name: outcome.fileName,
        file_size: outcome.fileSize,
      },
    }),
    ...(outcome.fields && (renderFileRefs(base, outcome.fields, files) as Record<string, unknown>)),
    ...(outcome.seed !== undefined && { seed: BigInt(outcome.seed) }),
  };
}

/** Replaces each `{$file}` reference with fal's File object: url, content_type, file_name, file_size (+ size). */
function renderFileRefs(base: string, value: unknown, files: FileStore): unknown {
  if (Array.isArray(value)) return value.map((item) => renderFileRefs(base, item, files));
  if (typeof value !== 'object' || value === null || typeof value === 'bigint') return value;
  const ref = value as Partial<FileRef>;
  if (typeof ref.$file === 'string') {
    const file = files.get(ref.$file);
    if (ref.urlOnly) return file ? `${base}${filePath(file)}` : null;
    return {
      url: file ? `${base}${filePath(file)}` : null,
      content_type: file?.contentType ?? null,
      file_name: file?.fileName ?? null,
      file_size: file?.source.kind === 'image' ? imageBytes(file.source.image).length : null,
      ...(ref.width !== undefined && { width: ref.width, height: ref.height }),
    };
  }
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, renderFileRefs(base, item, files)]),
  );
}

/** The webhook body in fal's wire form, fixed once so every retry sends identical bytes. */
export function webhookBody(base: string, record: RequestRecord, files: FileStore): string {
  const outcome = record.outcome;
  const ids = { request_id: record.requestId, gateway_request_id: record.requestId };
  if (!outcome) throw new Error('webhookBody: request has not ended');
  if (outcome.kind !== 'ok') {
    return toFalWireJson({
      ...ids,
      status: 'ERROR',
      error: outcome.error.webhookError,
      payload: outcome.error.body,
    });
  }
  if (record.faults.generation === 'payload_error') {
    return toFalWireJson({
      ...ids,
      status: 'OK',
      error: null,
      payload: null,
      payload_error: PAYLOAD_ERROR_MESSAGE,
    });
  }
  return toFalWireJson({ ...ids, status: 'OK', error: null, payload: outputPayload(base, record, files) });
}

function logLines(
  record: RequestRecord,
): { message: string; level: string; source: string; timestamp: string }[] {
  const line = (message: string, at: number) => ({
    message,
    level: 'INFO',
    source: 'user',
    timestamp: new Date(at).toISOString(),
  });
  const lines = [];
  if (record.startedAt !== null) lines.push(line('Starting video generation', record.startedAt));
  if (record.completedAt !== null && record.outcome?.kind === 'ok') {
    lines.push(line('Video generated', record.completedAt));
  }
  return lines;
}

/** `GET …/status`: 202 while queued or running, 200 once COMPLETED (which includes failures). */
export function statusResponse(
  base: string,
  record: RequestRecord,
  logs: boolean,
  queuePosition: number,
): Response {
  const common = { request_id: record.requestId, ...requestUrls(base, record) };
  const headers = { 'x-fal-request-id': record.requestId };
  if (record.status === 'IN_QUEUE') {
    return jsonResponse(202, { status: 'IN_QUEUE', ...common, queue_position: queuePosition }, headers);
  }
  const logList = logs ? logLines(record) : null;
  if (record.status === 'IN_PROGRESS')
    return jsonResponse(202, { status: 'IN_PROGRESS', ...common, logs: logList }, headers);
  const metrics =
    record.startedAt !== null && record.completedAt !== null
      ? { inference_time: (record.completedAt - record.startedAt) / 1000 }
      : {};
  return jsonResponse(200, { status: 'COMPLETED', ...common, logs: logList, metrics }, headers);
}

/** `GET …/requests/{id}`: the output, the model's error, or "still running". */
export function resultResponse(base: string, record: RequestRecord, files: FileStore): Response {
  const headers = { 'x-fal-request-id': record.requestId };
  const outcome = record.outcome;
  if (!outcome) return jsonResponse(400, { detail: 'Request is still in progress' }, headers);
  if (outcome.kind !== 'ok') {
    return jsonResponse(outcome.error.status, outcome.error.body, { ...outcome.error.headers, ...headers });
  }
  // what fal bills for the output, as fal reports it on results
  const units = outcome.billableUnits ?? emulatedBillableUnits(record.input);
  return jsonResponse(200, outputPayload(base, record, files), {
    ...headers,
    ...(units !== undefined && { 'x-fal-billable-units': String(units) }),
  });
}

export function toEmulatedRequest(base: string, record: RequestRecord, files: FileStore): EmulatedRequest {
  const outcome = record.outcome;
  const video = outputPayload(base, record, files)?.video as { url: string | null } | undefined;
  return structuredClone({
    requestId: record.requestId,
    endpointId: record.endpointId,
    input: record.input,
    webhookUrl: record.webhookUrl,
    state: record.status,
    outcome: outcome?.kind ?? null,
    submittedAt: record.submittedAt,
    startedAt: record.startedAt,
    completedAt: record.completedAt,
    mediaTtlMs: record.mediaTtlMs,
    videoUrl: video?.url ?? null,
    seed: outcome?.kind === 'ok' && outcome.seed !== undefined ? BigInt(outcome.seed) : null,
    error: outcome && outcome.kind !== 'ok' ? outcome.error : null,
    faults: record.faults,
    webhook: record.webhook,
  });
}

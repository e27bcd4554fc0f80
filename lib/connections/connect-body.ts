import { ApiError } from "@/lib/api/errors";
import type { RequiredKey } from "@/lib/resources/required-keys";

/** Largest accepted connect body. */
export const MAX_CONNECT_BODY_BYTES = 64 * 1024;
const MAX_VALUE_LENGTH = 16 * 1024;

/**
 * Reads a connect request's JSON body: 415 when it is not JSON, 413 over 64 KB (counted
 * while reading, whatever Content-Length claims), 400 when it is not one JSON object.
 */
export async function readJsonObject(request: Request): Promise<Record<string, unknown>> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(contentType.trim())) {
    throw new ApiError({ status: 415, code: "unsupported_media_type", message: "Send the body as JSON, with Content-Type: application/json." });
  }
  const tooLarge = new ApiError({ status: 413, code: "payload_too_large", message: `The body is over ${MAX_CONNECT_BODY_BYTES / 1024} KB.` });
  const declared = Number(request.headers.get("content-length"));
  if (declared > MAX_CONNECT_BODY_BYTES) throw tooLarge;
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_CONNECT_BODY_BYTES) {
        await reader.cancel();
        throw tooLarge;
      }
      chunks.push(value);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks)));
  } catch {
    throw new ApiError({ status: 400, code: "invalid_json", message: "The body is not valid JSON." });
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ApiError({ status: 400, code: "invalid_body", message: "The body must be a JSON object of the resource's required keys." });
  }
  return parsed as Record<string, unknown>;
}

/** Checks a connect body against the resource's required keys, naming every missing, unknown or non-string key. */
export function validateConnectBody(body: Record<string, unknown>, keys: readonly RequiredKey[]): Record<string, string> {
  const fields: Record<string, string> = {};
  const known = new Map(keys.map((key) => [key.key, key]));
  for (const [name, value] of Object.entries(body)) {
    if (!known.has(name)) fields[name] = "Unknown key: this resource does not take it.";
    else if (typeof value !== "string") fields[name] = "Must be a string.";
    else if (value.length > MAX_VALUE_LENGTH) fields[name] = `Must be at most ${MAX_VALUE_LENGTH} characters.`;
  }
  for (const key of keys) {
    const value = body[key.key];
    if (!key.optional && (value === undefined || (typeof value === "string" && !value.trim()))) fields[key.key] ??= "Required.";
  }
  if (Object.keys(fields).length) {
    throw new ApiError({
      status: 400,
      code: "invalid_credentials_payload",
      message: `The body does not match the resource's required keys: ${Object.keys(fields).join(", ")}.`,
      fields,
    });
  }
  const values: Record<string, string> = {};
  for (const key of keys) {
    const value = body[key.key];
    if (typeof value === "string" && value) values[key.key] = value;
  }
  return values;
}

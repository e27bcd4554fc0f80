import { AppError } from "@/lib/errors";
import { JSON_TOO_DEEP_MESSAGE, jsonNestsDeeperThan } from "@/lib/json";

/**
 * A request's raw body, refused with 413 (`tooLargeMessage`) once it passes `maxBytes` —
 * counted while reading, whatever Content-Length claims, and stopped there.
 */
export async function readBodyWithin(request: Request, maxBytes: number, tooLargeMessage: string): Promise<Buffer> {
  const tooLarge = () => new AppError("payload_too_large", { message: tooLargeMessage });
  if (Number(request.headers.get("content-length")) > maxBytes) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  return Buffer.concat(chunks);
}

/**
 * A request's body parsed as JSON: 400 `invalid_json` when it is not UTF-8 JSON, 400
 * `invalid_body` when it nests deeper than MAX_JSON_DEPTH — measured on the raw text before
 * parsing, so no depth can reach recursive code further on.
 */
export function parseJsonBody(body: Buffer): unknown {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    throw new AppError("invalid_json");
  }
  if (jsonNestsDeeperThan(text)) throw new AppError("invalid_body", { message: JSON_TOO_DEEP_MESSAGE });
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("invalid_json");
  }
}

/** Largest JSON body a Connect API route takes unless it says otherwise (the configuration routes take more). */
export const MAX_JSON_BODY_BYTES = 64 * 1024;

/** What a JSON body over `maxBytes` hears (413 payload_too_large). */
export const bodyTooLargeMessage = (maxBytes: number) => `The body is over ${maxBytes / 1024} KB.`;

/**
 * Reads a route's JSON body: 415 when it is not JSON, 413 over `maxBytes` (64 KB by default; counted while reading,
 * whatever Content-Length claims), 400 when it nests deeper than 64 levels or is not one JSON object (`notAnObject`
 * says what the route expects; by default a connect body's keys).
 */
export async function readJsonObject(
  request: Request,
  notAnObject?: string,
  maxBytes: number = MAX_JSON_BODY_BYTES,
): Promise<Record<string, unknown>> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(contentType.trim())) {
    throw new AppError("unsupported_media_type");
  }
  const body = await readBodyWithin(request, maxBytes, bodyTooLargeMessage(maxBytes));
  const parsed = parseJsonBody(body);
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new AppError("invalid_body", notAnObject === undefined ? {} : { message: notAnObject });
  }
  return parsed as Record<string, unknown>;
}

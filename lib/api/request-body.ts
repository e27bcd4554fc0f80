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

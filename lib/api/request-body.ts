import { AppError } from "@/lib/errors";

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

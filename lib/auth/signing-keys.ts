import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, importJWK, importSPKI, type JWK } from "jose";

/** Why a pasted public key was refused. */
export class SigningKeyError extends Error {
  override name = "SigningKeyError";
}

const MIN_MODULUS_BITS = 2048;

export interface PublicSigningKey {
  kid: string;
  publicKeyJwk: JWK;
}

/** A new RS256 key pair: the private key (PKCS#8 PEM) is for the caller to show once; only the public part is kept. */
export async function generateSigningKey(): Promise<PublicSigningKey & { privateKeyPem: string }> {
  const { publicKey, privateKey } = await generateKeyPair("RS256", { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { kid, publicKeyJwk: { ...jwk, kid, alg: "RS256", use: "sig" }, privateKeyPem: await exportPKCS8(privateKey) };
}

/**
 * A pasted public key, as an SPKI PEM or a JWK: it must be an RSA public key of at least
 * 2048 bits. Its `kid` is the JWK's own when it has one, else the key's thumbprint.
 */
export async function parsePublicSigningKey(text: string): Promise<PublicSigningKey> {
  const trimmed = text.trim();
  let jwk: JWK;
  if (trimmed.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new SigningKeyError("The key is neither a PEM public key nor valid JSON.");
    }
    if (!parsed || typeof parsed !== "object") throw new SigningKeyError("A JWK must be a JSON object.");
    jwk = parsed as JWK;
    if (jwk.kty !== "RSA" || typeof jwk.n !== "string" || typeof jwk.e !== "string") {
      throw new SigningKeyError("Only RSA public keys (kty RSA, for RS256) can verify User Tokens.");
    }
    if (jwk.d !== undefined || jwk.p !== undefined) {
      throw new SigningKeyError("This is a private key. Paste the public key only: the private key stays with your backend.");
    }
    if (jwk.alg !== undefined && jwk.alg !== "RS256") throw new SigningKeyError(`The key is for ${jwk.alg}; User Tokens use RS256.`);
    try {
      await importJWK({ kty: "RSA", n: jwk.n, e: jwk.e }, "RS256");
    } catch {
      throw new SigningKeyError("The JWK is not a valid RSA public key.");
    }
  } else {
    if (trimmed.includes("PRIVATE KEY")) {
      throw new SigningKeyError("This is a private key. Paste the public key only: the private key stays with your backend.");
    }
    if (!trimmed.startsWith("-----BEGIN PUBLIC KEY-----")) {
      throw new SigningKeyError('Paste a PEM public key ("-----BEGIN PUBLIC KEY-----") or a JWK.');
    }
    try {
      jwk = await exportJWK(await importSPKI(trimmed, "RS256", { extractable: true }));
    } catch {
      throw new SigningKeyError("The PEM is not a valid RSA public key.");
    }
  }
  const bits = Buffer.from(jwk.n!, "base64url").length * 8;
  if (bits < MIN_MODULUS_BITS) throw new SigningKeyError(`The key has ${bits} bits; use at least ${MIN_MODULUS_BITS}.`);
  const publicJwk: JWK = { kty: "RSA", n: jwk.n, e: jwk.e };
  const kid = typeof jwk.kid === "string" && jwk.kid ? jwk.kid : await calculateJwkThumbprint(publicJwk);
  if (kid.length > 200) throw new SigningKeyError("The key's kid is too long (200 characters at most).");
  return { kid, publicKeyJwk: { ...publicJwk, kid, alg: "RS256", use: "sig" } };
}

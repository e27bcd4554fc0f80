"use server";

import {
  addProjectMember,
  removeProjectMember,
  renameProject as renameProjectRow,
  setProjectMemberRole,
  setAllowedOrigins as setAllowedOriginsRow,
  setAllowPrivateNetwork as setAllowPrivateNetworkRow,
  setSecretKeyRateLimit as setSecretKeyRateLimitRow,
} from "@/db/queries/projects";
import { createSecretKey as createSecretKeyRow, revokeSecretKey as revokeSecretKeyRow } from "@/db/queries/secret-keys";
import { addSigningKey, revokeSigningKey as revokeSigningKeyRow } from "@/db/queries/signing-keys";
import { projectAction, type ActionResult } from "@/server/action";
import { dashboardActor } from "@/lib/audit/audit-log";
import { generateSecretKey } from "@/lib/auth/secret-keys";
import { generateSigningKey as generateKeyPair, parsePublicSigningKey, SigningKeyError } from "@/lib/auth/signing-keys";
import {
  addMemberSchema,
  addPublicKeySchema,
  allowedOriginsSchema,
  createSecretKeySchema,
  generateSigningKeySchema,
  networkSettingsSchema,
  rateLimitSettingsSchema,
  removeMemberSchema,
  renameProjectSchema,
  revokeSecretKeySchema,
  revokeSigningKeySchema,
  setMemberRoleSchema,
} from "@/lib/projects/schema";

export const renameProject = projectAction(renameProjectSchema, async ({ projectId, name }, { user }) => {
  await renameProjectRow({ projectId, name, actor: dashboardActor(user) });
  return { ok: true, data: { name } };
});

export const addMember = projectAction(
  addMemberSchema,
  async ({ projectId, email }, { user }) => {
    const added = await addProjectMember({ projectId, email, actor: dashboardActor(user) });
    if (added.ok) return { ok: true, data: undefined };
    const message =
      added.reason === "no-such-user"
        ? "No Switchboard account uses this email. Ask them to sign up first."
        : "This person is already a member.";
    return { ok: false, fieldErrors: { email: [message] } };
  },
  { ownerOnly: true },
);

export const removeMember = projectAction(
  removeMemberSchema,
  async ({ projectId, userId }, { user }) => {
    const removed = await removeProjectMember({ projectId, userId, actor: dashboardActor(user) });
    if (removed.ok) return { ok: true, data: undefined };
    return {
      ok: false,
      formError: removed.reason === "owner" ? "The project owner cannot be removed." : "This person is not a member.",
    };
  },
  { ownerOnly: true },
);

/** Makes a member an Admin (who may also change resources) or a Member again. */
export const setMemberRole = projectAction(
  setMemberRoleSchema,
  async ({ projectId, userId, role }, { user }) => {
    const changed = await setProjectMemberRole({ projectId, userId, role, actor: dashboardActor(user) });
    if (changed.ok) return { ok: true, data: undefined };
    return {
      ok: false,
      formError: changed.reason === "owner" ? "The project owner's role cannot change." : "This person is not a member.",
    };
  },
  { ownerOnly: true },
);

export const setSecretKeyRateLimit = projectAction(
  rateLimitSettingsSchema,
  async ({ projectId, secretKeyRateLimit }, { user }) => {
    await setSecretKeyRateLimitRow({ projectId, limit: secretKeyRateLimit, actor: dashboardActor(user) });
    return { ok: true, data: { secretKeyRateLimit } };
  },
  { ownerOnly: true },
);

export const setAllowPrivateNetwork = projectAction(
  networkSettingsSchema,
  async ({ projectId, allowPrivateNetwork }, { user }) => {
    await setAllowPrivateNetworkRow({ projectId, allow: allowPrivateNetwork, actor: dashboardActor(user) });
    return { ok: true, data: undefined };
  },
  { ownerOnly: true },
);

const TOO_MANY_ACTIVE_KEYS = "Two keys are already active. Revoke one before adding another.";

/**
 * Generates a key pair and keeps only its public key. The private key goes back in this
 * result, once: it is neither stored nor logged, and no page renders it.
 */
export const generateSigningKey = projectAction(
  generateSigningKeySchema,
  async ({ projectId }, { user }): Promise<ActionResult<{ kid: string; privateKeyPem: string }>> => {
    const { kid, publicKeyJwk, privateKeyPem } = await generateKeyPair();
    const added = await addSigningKey({
      projectId,
      kid,
      publicKeyJwk: { ...publicKeyJwk },
      source: "generated",
      actor: dashboardActor(user),
    });
    if ("error" in added) {
      return {
        ok: false,
        formError: added.error === "too-many-active" ? TOO_MANY_ACTIVE_KEYS : "Could not store the new key. Try again.",
      };
    }
    return { ok: true, data: { kid, privateKeyPem } };
  },
  { ownerOnly: true },
);

export const addPublicSigningKey = projectAction(
  addPublicKeySchema,
  async ({ projectId, publicKey }, { user }): Promise<ActionResult<{ kid: string }>> => {
    let parsed: Awaited<ReturnType<typeof parsePublicSigningKey>>;
    try {
      parsed = await parsePublicSigningKey(publicKey);
    } catch (error) {
      if (error instanceof SigningKeyError) return { ok: false, fieldErrors: { publicKey: [error.message] } };
      throw error;
    }
    const added = await addSigningKey({
      projectId,
      kid: parsed.kid,
      publicKeyJwk: { ...parsed.publicKeyJwk },
      source: "pasted",
      actor: dashboardActor(user),
    });
    if ("error" in added) {
      return added.error === "too-many-active"
        ? { ok: false, formError: TOO_MANY_ACTIVE_KEYS }
        : {
            ok: false,
            fieldErrors: { publicKey: ["This project already has a key with the same kid (revoked keys included)."] },
          };
    }
    return { ok: true, data: { kid: parsed.kid } };
  },
  { ownerOnly: true },
);

export const revokeSigningKey = projectAction(
  revokeSigningKeySchema,
  async ({ projectId, keyId }, { user }): Promise<ActionResult> => {
    const revoked = await revokeSigningKeyRow({ projectId, keyId, actor: dashboardActor(user) });
    return revoked ? { ok: true, data: undefined } : { ok: false, formError: "This key is already revoked." };
  },
  { ownerOnly: true },
);

export const saveAllowedOrigins = projectAction(
  allowedOriginsSchema,
  async ({ projectId, origins }, { user }): Promise<ActionResult<{ origins: string[] }>> => {
    await setAllowedOriginsRow({ projectId, origins, actor: dashboardActor(user) });
    return { ok: true, data: { origins } };
  },
  { ownerOnly: true },
);

/**
 * Creates a secret key and stores only its hash and prefix. The key goes back in this
 * result, once: it is neither stored nor logged, and no page renders it.
 */
export const createSecretKey = projectAction(
  createSecretKeySchema,
  async ({ projectId, name }, { user }): Promise<ActionResult<{ name: string; key: string }>> => {
    const { key, prefix, hash } = generateSecretKey();
    await createSecretKeyRow({ projectId, name, prefix, hash, actor: dashboardActor(user) });
    return { ok: true, data: { name, key } };
  },
  { ownerOnly: true },
);

export const revokeSecretKey = projectAction(
  revokeSecretKeySchema,
  async ({ projectId, keyId }, { user }): Promise<ActionResult> => {
    const revoked = await revokeSecretKeyRow({ projectId, keyId, actor: dashboardActor(user) });
    return revoked ? { ok: true, data: undefined } : { ok: false, formError: "This key is already revoked." };
  },
  { ownerOnly: true },
);

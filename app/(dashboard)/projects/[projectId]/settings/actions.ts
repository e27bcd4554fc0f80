"use server";

import {
  addProjectMember,
  removeProjectMember,
  renameProject as renameProjectRow,
  setAllowPrivateNetwork as setAllowPrivateNetworkRow,
} from "@/db/queries/projects";
import { projectAction } from "@/lib/actions/action";
import { addMemberSchema, networkSettingsSchema, removeMemberSchema, renameProjectSchema } from "@/lib/projects/schema";

export const renameProject = projectAction(renameProjectSchema, async ({ projectId, name }) => {
  await renameProjectRow({ projectId, name });
  return { ok: true, data: { name } };
});

export const addMember = projectAction(
  addMemberSchema,
  async ({ projectId, email }) => {
    const added = await addProjectMember({ projectId, email });
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
  async ({ projectId, userId }) => {
    const removed = await removeProjectMember({ projectId, userId });
    if (removed.ok) return { ok: true, data: undefined };
    return {
      ok: false,
      formError: removed.reason === "owner" ? "The project owner cannot be removed." : "This person is not a member.",
    };
  },
  { ownerOnly: true },
);

export const setAllowPrivateNetwork = projectAction(
  networkSettingsSchema,
  async ({ projectId, allowPrivateNetwork }) => {
    await setAllowPrivateNetworkRow({ projectId, allow: allowPrivateNetwork });
    return { ok: true, data: undefined };
  },
  { ownerOnly: true },
);

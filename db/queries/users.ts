import "server-only";
import { eq } from "drizzle-orm";
import { getDb } from "../client";
import { projectMembers, projects, users, type User } from "../schema";
import { isUniqueViolation } from "./errors";

export async function findUserByEmail({ email }: { email: string }): Promise<User | undefined> {
  const db = await getDb();
  const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  return user;
}

export async function findUserById({ userId }: { userId: string }): Promise<User | undefined> {
  const db = await getDb();
  const [user] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  return user;
}

/** Creates an account with its first project, owned by it; undefined when the email is taken. */
export async function createUserWithProject({
  email,
  passwordHash,
  projectName,
}: {
  email: string;
  passwordHash: string;
  projectName: string;
}): Promise<{ user: User; projectId: string } | undefined> {
  const db = await getDb();
  try {
    return await db.transaction(async (tx) => {
      const [user] = await tx.insert(users).values({ email, passwordHash }).returning();
      const [project] = await tx.insert(projects).values({ name: projectName }).returning({ id: projects.id });
      await tx.insert(projectMembers).values({ projectId: project!.id, userId: user!.id, role: "owner" });
      return { user: user!, projectId: project!.id };
    });
  } catch (error) {
    if (isUniqueViolation(error, "users_email_key")) return undefined;
    throw error;
  }
}

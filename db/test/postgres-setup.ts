import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { inject } from "vitest";

// Every test file gets a database of its own, copied from the run's migrated template
// (db/test/postgres-global-setup.ts, which drops the copies when the run ends).
const serverUrl = inject("testServerUrl");
const template = inject("testTemplateDatabase");
const name = `${template}_${randomBytes(5).toString("hex")}`;
const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
try {
  await admin.unsafe(`create database ${name} template ${template}`);
} finally {
  await admin.end();
}
const url = new URL(serverUrl);
url.pathname = `/${name}`;
process.env.DATABASE_URL = url.toString();

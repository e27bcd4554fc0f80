import { randomBytes } from "node:crypto";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { openDatabase } from "@/db/client";

declare module "vitest" {
  export interface ProvidedContext {
    testServerUrl: string;
    testTemplateDatabase: string;
  }
}

/**
 * Creates a database on the DATABASE_URL server for this run and migrates it once; each test file
 * then gets a copy of it of its own (db/test/postgres-setup.ts), so files run in parallel without
 * seeing each other's rows or taking each other's pg-boss jobs. Drops them all afterwards.
 */
export default async function setup(project: TestProject) {
  const serverUrl = process.env.DATABASE_URL!;
  const template = `switchboard_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${template}`);
  const url = new URL(serverUrl);
  url.pathname = `/${template}`;
  // A template database must have no session open while it is copied: migrate, then close.
  await (await openDatabase({ url: url.toString() })).close();
  project.provide("testServerUrl", serverUrl);
  project.provide("testTemplateDatabase", template);
  return async () => {
    const copies = await admin<{ datname: string }[]>`select datname from pg_database where datname like ${`${template}%`}`;
    for (const { datname } of copies) await admin.unsafe(`drop database if exists ${datname} with (force)`);
    await admin.end();
  };
}

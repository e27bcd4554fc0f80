// `npm run db:migrate`: applies the committed migrations to DATABASE_URL, or to the embedded PGlite database.
import { getDatabase } from "./client";

const { kind, close } = await getDatabase();
await close();
console.log(`Migrations applied (${kind}).`);

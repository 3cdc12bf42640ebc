/**
 * npm run key:create -- --scopes prices:read,budgets:write [--id reco-engine]
 * Prints a new API key once (give it to the client; it is not stored anywhere) and the entry to add to
 * PRICEBOOK_API_KEYS or the PRICEBOOK_API_KEYS_FILE JSON array (only the key's SHA-256 is configured).
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { createKey, SCOPES, type Scope } from "../src/http/auth.ts";

const { values } = parseArgs({ options: { scopes: { type: "string" }, id: { type: "string" } } });
const scopes = (values.scopes ?? "").split(",").map((s) => s.trim()).filter(Boolean);
const bad = scopes.filter((s) => !SCOPES.includes(s as Scope));
if (scopes.length === 0 || bad.length > 0) {
  console.error(`--scopes must list one or more of ${SCOPES.join(", ")}${bad.length ? ` (not: ${bad.join(", ")})` : ""}`);
  process.exit(2);
}
const id = values.id ?? `key-${randomBytes(3).toString("hex")}`;
const { key, entry } = createKey(id, scopes as Scope[]);
console.log(`API key (shown once; give it to the client, store it as a secret):\n  ${key}\n`);
console.log(`Add this entry to PRICEBOOK_API_KEYS (a JSON array) or to the file named by PRICEBOOK_API_KEYS_FILE:\n  ${JSON.stringify(entry)}`);

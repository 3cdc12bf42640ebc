import { insideGuard, UnguardedCallError } from "../../resilience/guard.ts";

/** The slice of an AWS SDK v3 client's middleware stack the tripwire uses (the SDK's own types are per client). */
interface InitializeStack {
  add(
    middleware: (next: (args: unknown) => Promise<unknown>, context: { commandName?: string; clientName?: string }) => (args: unknown) => Promise<unknown>,
    options: { step: "initialize"; name: string },
  ): void;
}

/**
 * Every AWS call goes through a guard (limiter, retries, breaker, the one mapping to problems): this
 * tripwire makes a call that does not refuse to leave the process, so a new code path that forgets the
 * guard fails its first test instead of reaching AWS unpaced and answering 500s.
 */
export function requireGuard<C extends { middlewareStack: object }>(client: C): C {
  (client.middlewareStack as InitializeStack).add(
    (next, context) => async (args) => {
      if (!insideGuard()) throw new UnguardedCallError(`${context.clientName ?? "AWS"} ${context.commandName ?? "call"} was sent outside a guard`);
      return next(args);
    },
    { step: "initialize", name: "pricebookRequireGuard" },
  );
  return client;
}

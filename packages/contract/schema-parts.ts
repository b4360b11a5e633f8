/** Schema options every part of the contract shares. */

/** A request body's schema options: exactly its fields; one it does not know is refused (400), not dropped. */
export const BODY = { additionalProperties: false } as const;

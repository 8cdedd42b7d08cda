/**
 * The header a front server's remote gateway names its caller with; an upstream honours it only
 * from GATEWAY keys (src/security/authenticate.ts).
 */
export const ACT_AS_HEADER = "jobs-act-as";

// What any operation's input must be before anything reads it: storable by PostgreSQL (no U+0000,
// which text and jsonb refuse; no lone UTF-16 surrogate, which jsonb refuses), kept as sent (no
// number past a double's range: parsing makes it Infinity, which JSON.stringify writes as null), not
// nested past a bound (deep variables would overflow the stack of whatever walks them next, even
// unused ones), and with no `__proto__` key (a JSON object could not keep it: JavaScript would take
// it for the prototype and drop it silently). Refused up front, as BAD_USER_INPUT (HTTP 400) naming
// the place.
import { type DocumentNode, visit } from "graphql";
import { jobsError } from "../errors.ts";

/** Deepest nesting of objects and arrays accepted in a variable (a job payload included). */
const MAX_INPUT_DEPTH = 64;

/** Why a number (parsed from JSON, or a literal's digits) cannot be kept, or null. */
const outOfRange = (value: number): string | null =>
  Number.isFinite(value) ? null : "a number past the range of a double (about ±1.8e308) is not accepted";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string (a value or an object key) cannot be stored, or null. */
function unstorable(text: string): string | null {
  if (text.includes("\u0000")) return "must not contain NUL characters (U+0000)";
  if (LONE_SURROGATE.test(text)) return "must not contain lone UTF-16 surrogates (invalid Unicode)";
  return null;
}

function refuse(place: string, field: string, why: string): never {
  const shown = place.length > 120 ? `${place.slice(0, 60)}…${place.slice(-40)}` : place;
  throw jobsError("BAD_USER_INPUT", `${shown}: ${why}`, { field, http: { status: 400 } });
}

/** Walks every variable without recursion (so no input can overflow the stack here). */
function checkVariables(variables: Record<string, unknown>): void {
  for (const [name, root] of Object.entries(variables)) {
    const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: `$${name}`, depth: 0 }];
    while (stack.length) {
      const { value, path, depth } = stack.pop()!;
      if (typeof value === "string") {
        const why = unstorable(value);
        if (why) refuse(path, name, why);
      } else if (typeof value === "number") {
        const why = outOfRange(value);
        if (why) refuse(path, name, why);
      } else if (typeof value === "object" && value !== null) {
        if (depth >= MAX_INPUT_DEPTH) refuse(path, name, `nested deeper than ${MAX_INPUT_DEPTH} levels`);
        if (Array.isArray(value)) {
          for (const [i, item] of value.entries()) stack.push({ value: item, path: `${path}[${i}]`, depth: depth + 1 });
        } else {
          for (const [key, item] of Object.entries(value)) {
            const at = `${path}.${key.slice(0, 40)}`;
            if (key === "__proto__") refuse(at, name, "a key named __proto__ is not accepted");
            const why = unstorable(key);
            if (why) refuse(`${path} (a key)`, name, why);
            stack.push({ value: item, path: at, depth: depth + 1 });
          }
        }
      }
    }
  }
}

const checkedDocuments = new WeakSet<DocumentNode>();

/** String literals (after escapes such as \u{0} are decoded) and object-literal keys of the document. */
function checkDocument(document: DocumentNode): void {
  if (checkedDocuments.has(document)) return;
  let argument = "input";
  const numberLiteral = (node: { value: string }) => {
    const why = outOfRange(Number(node.value));
    if (why) refuse(argument, argument, why);
  };
  visit(document, {
    Argument: (node) => {
      argument = node.name.value;
    },
    ObjectField: (node) => {
      if (node.name.value === "__proto__")
        refuse(`${argument}.__proto__`, argument, "a key named __proto__ is not accepted");
    },
    StringValue: (node) => {
      const why = unstorable(node.value);
      if (why) refuse(argument, argument, why);
    },
    // A JSON literal's 1e400 would be parsed to Infinity and stored as null (an Int argument's is
    // refused by validation first; a Float argument's would reach its resolver as Infinity).
    FloatValue: numberLiteral,
    IntValue: numberLiteral,
  });
  // Documents are cached and shared (Apollo and the WebSocket server): a good one is walked once.
  checkedDocuments.add(document);
}

export function assertStorableInput(document: DocumentNode, variables: Record<string, unknown> | undefined): void {
  if (variables) checkVariables(variables);
  checkDocument(document);
}

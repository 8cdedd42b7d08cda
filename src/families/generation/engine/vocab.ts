// Word lists for mock values. Fixed and ordered: changing them changes every seeded output.

export const FIRST_NAMES = [
  "Ada", "Alan", "Amara", "Ana", "Arjun", "Beatriz", "Carlos", "Chen", "Chloe", "Daniel",
  "Elena", "Emma", "Farah", "Grace", "Hana", "Hugo", "Ibrahim", "Isla", "James", "Jin",
  "Kofi", "Lars", "Layla", "Leo", "Lucia", "Mateo", "Maya", "Mei", "Nadia", "Noah",
  "Olga", "Omar", "Priya", "Ravi", "Sara", "Sofia", "Tariq", "Tomas", "Yuki", "Zara",
] as const;

export const LAST_NAMES = [
  "Adams", "Ahmed", "Andersen", "Becker", "Costa", "Dubois", "Evans", "Fischer", "Garcia", "Haddad",
  "Ito", "Jensen", "Kim", "Kowalski", "Lee", "Lopez", "Martin", "Meyer", "Mensah", "Novak",
  "Okafor", "Olsen", "Patel", "Petrov", "Quinn", "Rossi", "Santos", "Schmidt", "Silva", "Singh",
  "Smith", "Tanaka", "Torres", "Nguyen", "Wang", "Weber", "Williams", "Wilson", "Yilmaz", "Zhang",
] as const;

/** RFC 2606 reserved domains, so mock addresses can never reach a real mailbox. */
export const EMAIL_DOMAINS = ["example.com", "example.org", "example.net"] as const;

export const WORDS = [
  "amber", "anchor", "arrow", "atlas", "beacon", "birch", "bloom", "breeze", "cedar", "cinder",
  "comet", "coral", "crest", "delta", "dune", "ember", "fern", "fjord", "flint", "frost",
  "glade", "granite", "harbor", "hazel", "horizon", "iris", "ivory", "jade", "juniper", "lagoon",
  "lantern", "maple", "meadow", "mesa", "nectar", "nova", "oasis", "onyx", "orbit", "pebble",
  "pine", "prairie", "quartz", "raven", "ridge", "river", "saffron", "sage", "summit", "thistle",
  "timber", "topaz", "tundra", "umber", "valley", "willow", "zenith", "zephyr",
] as const;

export const DEFAULT_CATEGORIES = ["alpha", "beta", "gamma", "delta"] as const;

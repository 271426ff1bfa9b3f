// Regular expressions written in an imported ruleset run against every
// uploaded document, on JavaScript's backtracking engine. A pattern whose
// repeated group can split the same text between its iterations in many ways
// ("(a+)+", "(\w+\s?)*") takes exponential time on a long enough string, and
// would stall every upload. Such patterns are refused at import.
//
// The check is a cheap structural one: a repeated group is refused when one
// of its alternatives has no mandatory part outside a repetition (nothing
// that forces each iteration to consume a distinct piece of text). Patterns
// like "^(/[a-z0-9-]+)+$" pass: every iteration starts with "/", which the
// inner repetition cannot take. It is a heuristic; the document check also
// runs under a time limit (lib/specs/check.ts).

interface Group {
  /** Per alternative so far: does it have a mandatory element that is not repeated? */
  anchoredAlternatives: boolean[];
  current: { anchored: boolean; lastAtomStart: number; lastAtomAnchoring: boolean; lastAtomIsGroup: boolean; lastGroup: Group | null };
  containsRepetition: boolean;
  /** A lookahead or lookbehind: it consumes nothing. */
  lookaround: boolean;
}

const newGroup = (lookaround = false): Group => ({
  anchoredAlternatives: [],
  current: { anchored: false, lastAtomStart: -1, lastAtomAnchoring: false, lastAtomIsGroup: false, lastGroup: null },
  containsRepetition: false,
  lookaround,
});

/** Why the pattern is refused, or null when it passes. */
export function unsafeRegexReason(source: string): string | null {
  const stack: Group[] = [newGroup()];
  let index = 0;

  const top = () => stack[stack.length - 1];
  const atom = (anchoring: boolean, group: Group | null = null) => {
    const current = top().current;
    // The previous atom stays as it was: it was not quantified.
    if (current.lastAtomAnchoring) current.anchored = true;
    current.lastAtomStart = index;
    current.lastAtomAnchoring = anchoring;
    current.lastAtomIsGroup = group !== null;
    current.lastGroup = group;
  };
  const closeAlternative = (group: Group) => {
    const current = group.current;
    group.anchoredAlternatives.push(current.anchored || current.lastAtomAnchoring);
    group.current = { anchored: false, lastAtomStart: -1, lastAtomAnchoring: false, lastAtomIsGroup: false, lastGroup: null };
  };

  while (index < source.length) {
    const char = source[index];
    if (char === "\\") {
      // An escape: a character (class) that consumes text, or an assertion (\b, \B) that does not.
      const next = source[index + 1];
      atom(next !== "b" && next !== "B");
      index += 2;
      continue;
    }
    if (char === "[") {
      atom(true);
      index++;
      if (source[index] === "^") index++;
      if (source[index] === "]") index++;
      while (index < source.length && source[index] !== "]") index += source[index] === "\\" ? 2 : 1;
      index++;
      continue;
    }
    if (char === "(") {
      const opening = /^\((?:\?(?:[=!:]|<[=!]|<[^>]*>))?/.exec(source.slice(index))![0];
      stack.push(newGroup(/^\(\?<?[=!]/.test(opening)));
      index += opening.length;
      continue;
    }
    if (char === ")") {
      const group = stack.length > 1 ? stack.pop()! : top();
      closeAlternative(group);
      if (group.containsRepetition) top().containsRepetition = true;
      atom(!group.lookaround && group.anchoredAlternatives.every(Boolean), group);
      index++;
      continue;
    }
    if (char === "|") {
      closeAlternative(top());
      index++;
      continue;
    }
    const quantifier = /^(?:[*+?]|\{(\d+)(,(\d*))?\})\??/.exec(source.slice(index));
    if (quantifier) {
      const current = top().current;
      const text = quantifier[0];
      const min = text[0] === "+" ? 1 : text[0] === "{" ? Number(quantifier[1]) : 0;
      const max = text[0] === "?" ? 1 : text[0] === "{" ? (quantifier[2] === undefined ? min : quantifier[3] === "" ? Infinity : Number(quantifier[3])) : Infinity;
      const repeats = max > 1;
      if (repeats) {
        if (current.lastAtomIsGroup && current.lastGroup && current.lastGroup.containsRepetition && !current.lastGroup.anchoredAlternatives.every(Boolean)) {
          return "repeats a group that can match the same text in many ways (like (a+)+), which can take exponential time";
        }
        top().containsRepetition = true;
      }
      if (current.lastAtomIsGroup && current.lastGroup?.containsRepetition) top().containsRepetition = true;
      // A repeated or optional atom does not anchor its alternative.
      if (repeats || min === 0) current.lastAtomAnchoring = false;
      index += text.length;
      continue;
    }
    // ^ $ . and literal characters; ^ and $ consume nothing.
    atom(char !== "^" && char !== "$");
    index++;
  }
  return null;
}

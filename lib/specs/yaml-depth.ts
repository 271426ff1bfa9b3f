// A quick estimate of how deeply a YAML text nests, made on the raw text
// before the `yaml` parser sees it. The parser composes nodes recursively:
// a few megabytes of `[[[[…` or `- - - - …` cost it tens of seconds and
// gigabytes before it gives up with a stack overflow. This scan is linear and
// allocates nothing per character.
//
// It counts flow collections exactly (outside quotes and comments), and block
// nesting by an indentation stack plus the compact indicators (`- - x`,
// `? ? x`) that nest without indenting. Block nesting that only indentation
// expresses can be undercounted (`a:\n- b` counts one level, not two), which
// is harmless: such nesting needs quadratic text, so the size limit bounds it,
// and the exact depth check on the parsed value runs afterwards anyway. It
// must not overcount real documents, so block scalars (`|`, `>`), quoted
// scalars and comments are skipped.

export interface DepthExcess {
  /** Offset in the text where the estimated depth first went past the limit. */
  offset: number;
}

const isBlank = (char: string | undefined) => char === " " || char === "\t";
const isBreak = (char: string | undefined) => char === "\n" || char === "\r";
const endsToken = (char: string | undefined) => char === undefined || isBlank(char) || isBreak(char);

export function scanYamlDepth(text: string, limit: number): DepthExcess | null {
  const length = text.length;
  const stack: number[] = [];
  let flow = 0;
  let index = 0;
  // A block scalar's content: lines indented more than its parent's indent.
  let blockScalarParent = -1;

  // At a quote: the index after its closing quote (which may be lines away).
  const skipQuoted = (at: number) => {
    const quote = text[at];
    let cursor = at + 1;
    while (cursor < length) {
      const char = text[cursor];
      if (quote === '"' && char === "\\") {
        cursor += 2;
        continue;
      }
      if (char === quote) {
        if (quote === "'" && text[cursor + 1] === "'") {
          cursor += 2;
          continue;
        }
        return cursor + 1;
      }
      cursor++;
    }
    return length;
  };
  const skipToLineEnd = (at: number) => {
    let cursor = at;
    while (cursor < length && !isBreak(text[cursor])) cursor++;
    return cursor;
  };

  while (index < length) {
    const lineStart = index;
    let column = 0;
    while (index < length && text[index] === " ") {
      index++;
      column++;
    }
    const first = text[index];
    if (index >= length) break;
    if (isBreak(first)) {
      index++;
      continue;
    }
    if (flow === 0) {
      if (blockScalarParent >= 0) {
        if (column > blockScalarParent || first === "\t") {
          index = skipToLineEnd(index);
          continue;
        }
        blockScalarParent = -1;
      }
      if (first === "#") {
        index = skipToLineEnd(index);
        continue;
      }
      if (column === 0 && (text.startsWith("---", index) || text.startsWith("...", index)) && endsToken(text[index + 3])) {
        stack.length = 0;
        index += 3;
      } else {
        while (stack.length && stack[stack.length - 1] >= column) stack.pop();
        stack.push(column);
        if (stack.length > limit) return { offset: index };
      }
    }

    // The rest of the line (and of any quoted scalar or flow collection that
    // it opens, which may run over several lines).
    const lineIndent = column;
    let valueStart = true;
    while (index < length && !isBreak(text[index])) {
      const char = text[index];
      if (isBlank(char)) {
        index++;
        continue;
      }
      if (char === "#" && (index === lineStart || isBlank(text[index - 1]))) {
        index = skipToLineEnd(index);
        break;
      }
      if ((char === '"' || char === "'") && (valueStart || flow > 0)) {
        index = skipQuoted(index);
        valueStart = false;
        continue;
      }
      if (flow === 0 && valueStart && (char === "-" || char === "?") && endsToken(text[index + 1])) {
        // A compact nested node starts at the next content on this line.
        let next = index + 1;
        while (isBlank(text[next])) next++;
        if (next < length && !isBreak(text[next]) && text[next] !== "#") {
          stack.push(next - lineStart);
          if (stack.length + flow > limit) return { offset: next };
        }
        index = next;
        continue;
      }
      if (char === ":" && (endsToken(text[index + 1]) || flow > 0)) {
        valueStart = true;
        index++;
        continue;
      }
      if ((char === "[" || char === "{") && (valueStart || flow > 0)) {
        flow++;
        if (stack.length + flow > limit) return { offset: index };
        valueStart = true;
        index++;
        continue;
      }
      if ((char === "]" || char === "}") && flow > 0) {
        flow--;
        valueStart = false;
        index++;
        continue;
      }
      if (char === "," && flow > 0) {
        valueStart = true;
        index++;
        continue;
      }
      if ((char === "|" || char === ">") && valueStart && flow === 0) {
        blockScalarParent = lineIndent;
        index = skipToLineEnd(index);
        break;
      }
      if ((char === "&" || char === "!" || char === "*") && valueStart) {
        // Anchor, tag or alias: a token up to the next blank.
        while (index < length && !endsToken(text[index]) && !(flow > 0 && ",[]{}".includes(text[index]))) index++;
        if (char === "*") valueStart = false;
        continue;
      }
      // A plain scalar: to the end of the line, or in a flow collection to
      // the next indicator.
      valueStart = false;
      index++;
      if (flow > 0) {
        while (index < length && !isBreak(text[index]) && !",[]{}".includes(text[index]) && !(text[index] === ":" && endsToken(text[index + 1])) && !(text[index] === "#" && isBlank(text[index - 1]))) index++;
      } else {
        while (index < length && !isBreak(text[index]) && !(text[index] === ":" && endsToken(text[index + 1])) && !(text[index] === "#" && isBlank(text[index - 1]))) index++;
      }
    }
    if (index < length) index++; // the line break
  }
  return null;
}

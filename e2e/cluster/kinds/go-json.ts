/**
 * What Go's `json.Unmarshal(data, &map[string]any{})` says about a document, for the API server's
 * validation of docker config Secrets, which quotes that error. A small recursive scanner that stops at
 * the first problem and words it as encoding/json's scanner does (`invalid character 'x' looking for
 * beginning of value`, `unexpected end of JSON input`), then the type check Unmarshal makes for a
 * well-formed document that is not an object. Returns undefined for a document Go accepts.
 */
export function goJsonObjectProblem(text: string): string | undefined {
  const scanner = new Scanner(text);
  try {
    scanner.skipSpace();
    const kind = scanner.value("looking for beginning of value");
    scanner.skipSpace();
    if (!scanner.atEnd()) throw new GoJsonError(`invalid character ${scanner.quoted()} after top-level value`);
    // null leaves the map alone; every other non-object is a type error.
    if (kind === "object" || kind === "null") return undefined;
    return `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`;
  } catch (error) {
    if (error instanceof GoJsonError) return error.message;
    throw error;
  }
}

class GoJsonError extends Error {}

type TKind = "object" | "array" | "string" | "number" | "bool" | "null";

class Scanner {
  private position = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.position >= this.text.length;
  }

  skipSpace(): void {
    while (!this.atEnd() && " \t\r\n".includes(this.text[this.position] ?? "")) this.position += 1;
  }

  /** The current character as Go's scanner quotes it in errors. */
  quoted(): string {
    const char = this.text[this.position] ?? "";
    if (char === "'") return "'\\''";
    if (char === '"') return "'\"'";
    const code = char.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) return `'\\x${code.toString(16).padStart(2, "0")}'`;
    return `'${char === "\\" ? "\\\\" : char}'`;
  }

  /** The current character; the end of the text is Go's "unexpected end of JSON input". */
  private next(): string {
    if (this.atEnd()) throw new GoJsonError("unexpected end of JSON input");
    return this.text[this.position] ?? "";
  }

  private fail(context: string): never {
    if (this.atEnd()) throw new GoJsonError("unexpected end of JSON input");
    throw new GoJsonError(`invalid character ${this.quoted()} ${context}`);
  }

  value(context: string): TKind {
    const char = this.next();
    if (char === "{") return this.object();
    if (char === "[") return this.array();
    if (char === '"') {
      this.string();
      return "string";
    }
    if (char === "-" || (char >= "0" && char <= "9")) {
      this.number();
      return "number";
    }
    for (const [word, kind] of [
      ["true", "bool"],
      ["false", "bool"],
      ["null", "null"],
    ] as const) {
      if (char === word[0]) {
        this.position += 1;
        for (const expected of word.slice(1)) {
          if (this.next() !== expected) this.fail(`in literal ${word} (expecting '${expected}')`);
          this.position += 1;
        }
        return kind;
      }
    }
    return this.fail(context);
  }

  private object(): TKind {
    this.position += 1;
    this.skipSpace();
    if (this.next() === "}") {
      this.position += 1;
      return "object";
    }
    for (;;) {
      this.skipSpace();
      if (this.next() !== '"') this.fail("looking for beginning of object key string");
      this.string();
      this.skipSpace();
      if (this.next() !== ":") this.fail("after object key");
      this.position += 1;
      this.skipSpace();
      this.value("looking for beginning of value");
      this.skipSpace();
      const after = this.next();
      this.position += 1;
      if (after === "}") return "object";
      if (after !== ",") {
        this.position -= 1;
        this.fail("after object key:value pair");
      }
    }
  }

  private array(): TKind {
    this.position += 1;
    this.skipSpace();
    if (this.next() === "]") {
      this.position += 1;
      return "array";
    }
    for (;;) {
      this.skipSpace();
      this.value("looking for beginning of value");
      this.skipSpace();
      const after = this.next();
      this.position += 1;
      if (after === "]") return "array";
      if (after !== ",") {
        this.position -= 1;
        this.fail("after array element");
      }
    }
  }

  private string(): void {
    this.position += 1;
    for (;;) {
      const char = this.next();
      if (char === '"') {
        this.position += 1;
        return;
      }
      if (char.charCodeAt(0) < 0x20) this.fail("in string literal");
      if (char === "\\") {
        this.position += 1;
        const escaped = this.next();
        if (escaped === "u") {
          for (let index = 0; index < 4; index += 1) {
            this.position += 1;
            if (!/[0-9a-fA-F]/.test(this.next())) this.fail("in \\u hexadecimal character escape");
          }
        } else if (!'"\\/bfnrt'.includes(escaped)) this.fail("in string escape code");
      }
      this.position += 1;
    }
  }

  private number(): void {
    const digits = () => {
      while (!this.atEnd() && /[0-9]/.test(this.text[this.position] ?? "")) this.position += 1;
    };
    if (this.text[this.position] === "-") {
      this.position += 1;
      if (!/[0-9]/.test(this.next())) this.fail("in numeric literal");
    }
    if (this.text[this.position] === "0") this.position += 1;
    else digits();
    if (this.text[this.position] === ".") {
      this.position += 1;
      if (!/[0-9]/.test(this.next())) this.fail("after decimal point in numeric literal");
      digits();
    }
    if (this.text[this.position] === "e" || this.text[this.position] === "E") {
      this.position += 1;
      if (this.text[this.position] === "+" || this.text[this.position] === "-") this.position += 1;
      if (!/[0-9]/.test(this.next())) this.fail("in exponent of numeric literal");
      digits();
    }
  }
}

/**
 * Compiles our Handlebars templates into plain JavaScript functions.
 *
 * Why not Handlebars' own precompiler: its output drives a general runtime (helper
 * dispatch, depth tracking, prototype-access checks, partial resolution) whose first
 * execution dominated `init`: 672 KB of generated code and ~35 ms on every run. The
 * templates use a small, fixed part of the language, so we compile that part straight
 * to string concatenation, with Handlebars' own parser (and its whitespace control)
 * and Handlebars' semantics for strict mode, `if`/`unless`/`each`, `../` and inline
 * partials. Anything outside that part is a compile error naming the template and line,
 * so a new template fails the build, never a user's run. test/unit/template-compiler.test.ts
 * renders every template with both engines and requires identical output.
 */

/** The subset of Handlebars' AST we read (the parser's nodes carry more). */
interface Position {
  line: number;
  column: number;
}
interface BaseNode {
  type: string;
  loc?: { start: Position };
}
interface PathExpression extends BaseNode {
  type: "PathExpression";
  data: boolean;
  depth: number;
  parts: string[];
  original: string;
}
interface SubExpression extends BaseNode {
  type: "SubExpression";
  path: Expression;
  params: Expression[];
  hash?: unknown;
}
interface Literal extends BaseNode {
  type: "StringLiteral" | "NumberLiteral" | "BooleanLiteral" | "UndefinedLiteral" | "NullLiteral";
  value?: unknown;
}
type Expression = PathExpression | SubExpression | Literal;
interface Program extends BaseNode {
  type: "Program";
  body: Statement[];
  blockParams?: string[];
}
interface ContentStatement extends BaseNode {
  type: "ContentStatement";
  value: string;
}
interface MustacheStatement extends BaseNode {
  type: "MustacheStatement";
  path: Expression;
  params: Expression[];
  hash?: unknown;
  escaped: boolean;
}
interface BlockStatement extends BaseNode {
  type: "BlockStatement" | "DecoratorBlock";
  path: Expression;
  params: Expression[];
  hash?: unknown;
  program?: Program;
  inverse?: Program;
}
interface PartialStatement extends BaseNode {
  type: "PartialStatement";
  name: Expression;
  params: Expression[];
  hash?: unknown;
  indent?: string;
}
type Statement = ContentStatement | MustacheStatement | BlockStatement | PartialStatement | BaseNode;

/** Handlebars.parse: source -> AST with whitespace control applied. */
export type ParseTemplate = (source: string) => unknown;

/** What a compiled template receives at run time (see `templateRuntime` in render.ts). */
export interface TemplateRuntime {
  /** Property lookup for paths' inner parts and helper arguments: missing -> undefined, but a missing parent throws. */
  l(parent: unknown, name: string, where: string): unknown;
  /** Strict lookup of a printed value: a missing field throws instead of printing nothing. */
  s(parent: unknown, name: string, where: string): unknown;
  /** A printed value: null and undefined print nothing. */
  o(value: unknown): string;
  /** Handlebars truthiness for `if`/`unless`: false, 0, "", null, undefined and [] are false. */
  t(value: unknown): boolean;
  /** `each`: the concatenated bodies, or null when there was nothing to iterate (the `else` branch runs). */
  e(value: unknown, body: (item: unknown) => string): string | null;
  /** A standalone partial's indentation, applied to each of its lines. */
  i(text: string, indent: string): string;
  /** The options argument helpers receive last. */
  O: object;
}

export type CompiledTemplate = (context: unknown, helpers: Record<string, (...args: unknown[]) => unknown>, runtime: TemplateRuntime) => string;

export class TemplateCompileError extends Error {}

interface Scope {
  /** Context variables, innermost first: `../` is index 1. */
  contexts: string[];
}

class Compiler {
  private nextVar = 0;
  /** Inline partial name -> its function's name and source. */
  private readonly partials = new Map<string, { fn: string; code: string }>();
  private readonly hoisted = new Set<BaseNode>();

  constructor(
    private readonly name: string,
    private readonly helpers: ReadonlySet<string>,
  ) {}

  /** The body of `function (c, h, r) { ... }`. */
  compile(root: Program): string {
    const inline = root.body.filter((s): s is BlockStatement => s.type === "DecoratorBlock");
    for (const block of inline) {
      this.definePartial(block);
      this.hoisted.add(block);
    }
    const body = this.program(root, { contexts: ["c"] });
    const partials = [...this.partials.values()].map((p) => p.code).join("\n");
    return `${partials}\nlet o = "";\n${body}return o;`;
  }

  private fail(message: string, node: BaseNode): never {
    const at = node.loc ? ` (line ${node.loc.start.line}, column ${node.loc.start.column + 1})` : "";
    throw new TemplateCompileError(`${this.name}${at}: ${message}`);
  }

  private where(node: BaseNode): string {
    return JSON.stringify(node.loc ? `${this.name}:${node.loc.start.line}` : this.name);
  }

  private fresh(prefix: string): string {
    return `${prefix}${++this.nextVar}`;
  }

  private definePartial(block: BlockStatement): void {
    const [nameParam] = block.params;
    if (block.path.type !== "PathExpression" || block.path.original !== "inline" || nameParam?.type !== "StringLiteral" || !block.program) {
      this.fail("only {{#*inline \"name\"}} decorators are supported", block);
    }
    const partialName = String(nameParam.value);
    const fn = `p_${partialName.replace(/[^A-Za-z0-9_]/g, "_")}_${++this.nextVar}`;
    const ctx = this.fresh("c");
    // A partial starts a new depth chain at its context, as in Handlebars.
    const body = this.program(block.program, { contexts: [ctx] });
    this.partials.set(partialName, { fn, code: `function ${fn}(${ctx}) {\nlet o = "";\n${body}return o;\n}` });
  }

  private program(program: Program, scope: Scope): string {
    if (program.blockParams?.length) this.fail("block parameters (as |x|) are not supported", program);
    let code = "";
    for (const statement of program.body) code += this.statement(statement, scope);
    return code;
  }

  private statement(node: Statement, scope: Scope): string {
    switch (node.type) {
      case "ContentStatement": {
        const { value } = node as ContentStatement;
        return value === "" ? "" : `o += ${JSON.stringify(value)};\n`;
      }
      case "CommentStatement":
        return "";
      case "MustacheStatement":
        return this.mustache(node as MustacheStatement, scope);
      case "BlockStatement":
        return this.block(node as BlockStatement, scope);
      case "PartialStatement":
        return this.partial(node as PartialStatement, scope);
      case "DecoratorBlock":
        // Hoisted by compile(); anywhere else its scope would differ from ours.
        if (this.hoisted.has(node)) return "";
        return this.fail("inline partials must be defined at the top level of a template", node);
      default:
        return this.fail(`${node.type} is not supported by fraiseql-deploy's template compiler`, node);
    }
  }

  private mustache(node: MustacheStatement, scope: Scope): string {
    if (node.hash) this.fail("hash arguments (key=value) are not supported", node);
    if (!node.escaped) this.fail("triple-stash {{{ }}} is not needed: output is never HTML-escaped", node);
    const path = node.path;
    if (path.type !== "PathExpression") return this.fail("a literal cannot be printed as a mustache", node);
    if (node.params.length > 0 || this.isHelper(path)) return `o += r.o(${this.call(path, node.params, scope, node)});\n`;
    return `o += r.o(${this.path(path, scope, true)});\n`;
  }

  private isHelper(path: PathExpression): boolean {
    return path.depth === 0 && path.parts.length === 1 && !path.data && this.helpers.has(path.original);
  }

  private call(path: Expression, params: Expression[], scope: Scope, node: BaseNode): string {
    if (path.type !== "PathExpression" || !this.isHelper(path)) {
      return this.fail(`unknown helper ${path.type === "PathExpression" ? path.original : path.type}`, node);
    }
    const args = params.map((p) => this.expression(p, scope));
    return `h[${JSON.stringify(path.original)}](${[...args, "r.O"].join(", ")})`;
  }

  private expression(node: Expression, scope: Scope): string {
    switch (node.type) {
      case "PathExpression":
        return this.path(node, scope, false);
      case "SubExpression":
        if (node.hash) this.fail("hash arguments (key=value) are not supported", node);
        return this.call(node.path, node.params, scope, node);
      case "StringLiteral":
      case "NumberLiteral":
      case "BooleanLiteral":
        return JSON.stringify(node.value);
      case "UndefinedLiteral":
        return "undefined";
      case "NullLiteral":
        return "null";
      default:
        return this.fail(`unsupported expression ${(node as BaseNode).type}`, node);
    }
  }

  /** `strict`: a printed value, which must exist; helper arguments may be missing (Handlebars' strict mode). */
  private path(node: PathExpression, scope: Scope, strict: boolean): string {
    if (node.data) this.fail(`@data variables (${node.original}) are not supported`, node);
    const base = scope.contexts[node.depth];
    if (base === undefined) return this.fail(`${node.original} climbs above the template's root context`, node);
    let code = base;
    node.parts.forEach((part, i) => {
      const last = i === node.parts.length - 1;
      code = `r.${last && strict ? "s" : "l"}(${code}, ${JSON.stringify(part)}, ${this.where(node)})`;
    });
    return code;
  }

  private block(node: BlockStatement, scope: Scope): string {
    if (node.hash) this.fail("hash arguments (key=value) are not supported", node);
    const name = node.path.type === "PathExpression" ? node.path.original : "";
    const [param, ...extra] = node.params;
    if (!["if", "unless", "each"].includes(name)) return this.fail(`block helper #${name || node.path.type} is not supported (only #if, #unless, #each)`, node);
    if (!param || extra.length > 0) return this.fail(`#${name} requires exactly one argument`, node);
    const value = this.expression(param, scope);
    const inverse = node.inverse ? this.program(node.inverse, scope) : "";
    if (name === "if" || name === "unless") {
      const fn = node.program ? this.program(node.program, scope) : "";
      return `if (${name === "unless" ? "!" : ""}r.t(${value})) {\n${fn}}${inverse ? ` else {\n${inverse}}` : ""}\n`;
    }
    // #each: the body runs with each item as its context; `../` reaches the enclosing one.
    const item = this.fresh("c");
    const body = node.program ? this.program(node.program, { contexts: [item, ...scope.contexts] }) : "";
    const result = this.fresh("s");
    return `{\nconst ${result} = r.e(${value}, (${item}) => {\nlet o = "";\n${body}return o;\n});\nif (${result} !== null) o += ${result};${inverse ? ` else {\n${inverse}}` : ""}\n}\n`;
  }

  private partial(node: PartialStatement, scope: Scope): string {
    if (node.hash) this.fail("hash arguments on partials are not supported", node);
    if (node.name.type !== "PathExpression") return this.fail("dynamic partial names are not supported", node);
    const fn = this.partials.get(node.name.original)?.fn;
    if (!fn) return this.fail(`partial ${node.name.original} is not defined in this template (define it with {{#*inline}})`, node);
    if (node.params.length > 1) this.fail("a partial takes at most one context argument", node);
    const [param] = node.params;
    const context = param ? this.expression(param, scope) : (scope.contexts[0] as string);
    return node.indent ? `o += r.i(${fn}(${context}), ${JSON.stringify(node.indent)});\n` : `o += ${fn}(${context});\n`;
  }
}

/** Compiles one template to the source of `function (c, h, r) { ... }`'s body. */
export function compileTemplate(parse: ParseTemplate, source: string, name: string, helpers: ReadonlySet<string>): string {
  return new Compiler(name, helpers).compile(parse(source) as Program);
}

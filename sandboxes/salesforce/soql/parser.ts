/**
 * Recursive-descent parser for the SOQL subset (grammar below). It checks syntax only; field and
 * sObject names are resolved when the query runs against a describe.
 *
 *   query      := SELECT selectItem (',' selectItem)* FROM name [WHERE condition]
 *                 [ORDER BY orderItem (',' orderItem)*] [LIMIT integer] [OFFSET integer]
 *   selectItem := COUNT '(' ')' | '(' query ')' | path          -- the sub-query only at the top level
 *   condition  := unary (AND unary)* | unary (OR unary)*         -- mixing needs parentheses
 *   unary      := NOT unary | '(' condition ')' | path operator literal
 *               | path [NOT] IN '(' (literal (',' literal)* | query) ')'
 *   orderItem  := path [ASC | DESC] [NULLS (FIRST | LAST)]
 *   path       := name ('.' name)*
 */
import type {
  SoqlComparisonOperator,
  SoqlCondition,
  SoqlDateKeyword,
  SoqlFieldPath,
  SoqlLiteral,
  SoqlName,
  SoqlOrderItem,
  SoqlQuery,
  SoqlSelectItem,
} from './ast';
import { parseDateDay, parseDateTimeMillis } from './calendar';
import { tokenize, type Token } from './lexer';
import { malformed, unexpectedToken } from './soql-error';

export type { SoqlQuery } from './ast';

/** Salesforce refuses OFFSET beyond this. */
export const MAX_OFFSET = 2000;

// Words that cannot be a field name; `FROM Order` is still fine since the FROM name is read as is.
const RESERVED = new Set([
  'AND', 'ASC', 'DESC', 'EXCLUDES', 'FIRST', 'FROM', 'GROUP', 'HAVING', 'IN', 'INCLUDES', 'LAST', 'LIKE',
  'LIMIT', 'NOT', 'NULL', 'NULLS', 'OFFSET', 'OR', 'ORDER', 'SELECT', 'WHERE', 'WITH', 'TRUE', 'FALSE',
]);

const COMPARISON_OPERATORS: Record<string, SoqlComparisonOperator> = {
  '=': '=', '!=': '!=', '<>': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=',
};

const DATE_KEYWORDS: Record<string, { keyword: SoqlDateKeyword; takesN: boolean }> = {
  TODAY: { keyword: 'TODAY', takesN: false },
  YESTERDAY: { keyword: 'YESTERDAY', takesN: false },
  TOMORROW: { keyword: 'TOMORROW', takesN: false },
  LAST_N_DAYS: { keyword: 'LAST_N_DAYS', takesN: true },
  NEXT_N_DAYS: { keyword: 'NEXT_N_DAYS', takesN: true },
};

/** Where a query sits decides what it may contain. */
type QueryRole = 'top' | 'child' | 'semiJoin';

export function parseSoql(text: string): SoqlQuery {
  const parser = new Parser(tokenize(text));
  const query = parser.query('top');
  parser.expectEnd();
  return query;
}

class Parser {
  private index = 0;

  constructor(private readonly tokens: Token[]) {}

  query(role: QueryRole): SoqlQuery {
    this.expectKeyword('SELECT');
    const select = this.selectList(role);
    this.expectKeyword('FROM');
    const from = this.name();
    const query: SoqlQuery = { select, from, orderBy: [] };
    if (this.acceptKeyword('WHERE')) query.where = this.condition();
    if (this.acceptKeyword('ORDER')) {
      this.expectKeyword('BY');
      do query.orderBy.push(this.orderItem());
      while (this.acceptSymbol(','));
    }
    if (this.acceptKeyword('LIMIT')) query.limit = this.nonNegativeInteger('LIMIT');
    if (this.acceptKeyword('OFFSET')) {
      const offsetToken = this.peek();
      query.offset = this.nonNegativeInteger('OFFSET');
      if (query.offset > MAX_OFFSET) {
        throw malformed(`Maximum SOQL offset allowed is ${MAX_OFFSET} (OFFSET ${query.offset})`, offsetToken.position);
      }
    }
    return query;
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'eof') throw unexpectedToken(token.text, token.position);
  }

  private selectList(role: QueryRole): SoqlSelectItem[] {
    const items: SoqlSelectItem[] = [];
    do items.push(this.selectItem(role));
    while (this.acceptSymbol(','));
    const count = items.find((item) => item.kind === 'count');
    if (count && items.length > 1) {
      throw malformed('COUNT() must be the only element in the SELECT list', count.position);
    }
    if (role === 'semiJoin' && (items.length !== 1 || items[0]?.kind !== 'field')) {
      throw malformed('a semi-join sub-select must select exactly one field (an Id or reference field)', items[0] && positionOf(items[0]));
    }
    return items;
  }

  private selectItem(role: QueryRole): SoqlSelectItem {
    const token = this.peek();
    if (token.kind === 'symbol' && token.text === '(') {
      if (role !== 'top') throw unexpectedToken(token.text, token.position, 'sub-queries nest only one level');
      this.advance();
      const query = this.query('child');
      this.expectSymbol(')');
      return { kind: 'subquery', query, position: token.position };
    }
    if (this.isKeyword(token, 'COUNT') && this.isSymbol(this.peek(1), '(')) {
      this.advance();
      this.advance();
      const close = this.peek();
      if (!this.isSymbol(close, ')')) {
        throw unexpectedToken(close.text, close.position, 'aggregate functions other than COUNT() are not supported');
      }
      this.advance();
      if (role !== 'top') throw malformed('COUNT() is only allowed in the outer query', token.position);
      return { kind: 'count', position: token.position };
    }
    return { kind: 'field', path: this.path() };
  }

  private condition(): SoqlCondition {
    const first = this.unary();
    const operands = [first];
    let joiner: 'AND' | 'OR' | undefined;
    for (;;) {
      const token = this.peek();
      const word = this.isKeyword(token, 'AND') ? 'AND' : this.isKeyword(token, 'OR') ? 'OR' : undefined;
      if (!word) break;
      if (joiner && word !== joiner) {
        // Salesforce has no precedence between AND and OR: `a AND b OR c` must say which it means
        throw unexpectedToken(token.text, token.position, 'AND and OR cannot be mixed without parentheses');
      }
      joiner = word;
      this.advance();
      operands.push(this.unary());
    }
    if (!joiner) return first;
    return { kind: joiner === 'AND' ? 'and' : 'or', operands };
  }

  private unary(): SoqlCondition {
    if (this.acceptKeyword('NOT')) return { kind: 'not', operand: this.unary() };
    if (this.acceptSymbol('(')) {
      const inner = this.condition();
      this.expectSymbol(')');
      return inner;
    }
    return this.predicate();
  }

  private predicate(): SoqlCondition {
    const field = this.path();
    const token = this.peek();
    const negated = this.isKeyword(token, 'NOT') && this.isKeyword(this.peek(1), 'IN');
    if (negated) this.advance();
    if (this.acceptKeyword('IN')) return this.inList(field, negated);
    if (this.isKeyword(token, 'LIKE')) {
      this.advance();
      return { kind: 'comparison', field, operator: 'LIKE', value: this.literal(), operatorPosition: token.position };
    }
    const operator = token.kind === 'symbol' ? COMPARISON_OPERATORS[token.text] : undefined;
    if (!operator) throw unexpectedToken(token.text, token.position, 'expected a comparison operator, LIKE, IN or NOT IN');
    this.advance();
    return { kind: 'comparison', field, operator, value: this.literal(), operatorPosition: token.position };
  }

  private inList(field: SoqlFieldPath, negated: boolean): SoqlCondition {
    this.expectSymbol('(');
    if (this.isKeyword(this.peek(), 'SELECT')) {
      const query = this.query('semiJoin');
      this.expectSymbol(')');
      return { kind: 'semiJoin', field, negated, query };
    }
    const values: SoqlLiteral[] = [];
    do values.push(this.literal());
    while (this.acceptSymbol(','));
    this.expectSymbol(')');
    return { kind: 'in', field, negated, values };
  }

  private orderItem(): SoqlOrderItem {
    const path = this.path();
    const descending = this.acceptKeyword('DESC');
    if (!descending) this.acceptKeyword('ASC');
    let nullsFirst = !descending;
    if (this.acceptKeyword('NULLS')) {
      if (this.acceptKeyword('FIRST')) nullsFirst = true;
      else if (this.acceptKeyword('LAST')) nullsFirst = false;
      else throw unexpectedToken(this.peek().text, this.peek().position, 'expected FIRST or LAST');
    }
    return { path, descending, nullsFirst };
  }

  private literal(): SoqlLiteral {
    const token = this.advance();
    const { text, position } = token;
    switch (token.kind) {
      case 'string':
        return { kind: 'string', value: token.value, raw: token.raw, text, position };
      case 'number':
        return { kind: 'number', value: Number(text), text, position };
      case 'date': {
        const day = parseDateDay(text);
        if (Number.isNaN(day)) throw malformed(`line ${position.line}:${position.column} invalid date: ${text}`, position);
        return { kind: 'date', day, text, position };
      }
      case 'datetime': {
        const millis = parseDateTimeMillis(text);
        if (Number.isNaN(millis)) throw malformed(`line ${position.line}:${position.column} invalid dateTime: ${text}`, position);
        return { kind: 'datetime', millis, text, position };
      }
      case 'identifier': {
        const word = text.toUpperCase();
        if (word === 'TRUE' || word === 'FALSE') return { kind: 'boolean', value: word === 'TRUE', text, position };
        if (word === 'NULL') return { kind: 'null', text, position };
        const dateKeyword = DATE_KEYWORDS[word];
        if (dateKeyword) return this.dateKeyword(dateKeyword.keyword, dateKeyword.takesN, token);
        break;
      }
    }
    throw unexpectedToken(text, position, 'expected a value');
  }

  private dateKeyword(keyword: SoqlDateKeyword, takesN: boolean, token: Token): SoqlLiteral {
    if (!takesN) return { kind: 'dateKeyword', keyword, n: 0, text: token.text, position: token.position };
    this.expectSymbol(':');
    const n = this.nonNegativeInteger(keyword);
    return { kind: 'dateKeyword', keyword, n, text: `${token.text}:${n}`, position: token.position };
  }

  private path(): SoqlFieldPath {
    const first = this.fieldName();
    const segments = [first];
    while (this.acceptSymbol('.')) segments.push(this.fieldName());
    return { segments, position: first.position };
  }

  private fieldName(): SoqlName {
    const token = this.peek();
    if (token.kind !== 'identifier' || RESERVED.has(token.text.toUpperCase())) throw unexpectedToken(token.text, token.position);
    this.advance();
    return { text: token.text, position: token.position };
  }

  /** The FROM name: any identifier but the clause keywords, so `FROM Order` works. */
  private name(): SoqlName {
    const token = this.peek();
    if (token.kind !== 'identifier' || ['WHERE', 'LIMIT', 'OFFSET', 'SELECT', 'FROM'].includes(token.text.toUpperCase())) {
      throw unexpectedToken(token.text, token.position);
    }
    this.advance();
    return { text: token.text, position: token.position };
  }

  private nonNegativeInteger(clause: string): number {
    const token = this.advance();
    if (token.kind !== 'number' || !/^\d+$/.test(token.text)) {
      throw unexpectedToken(token.text, token.position, `${clause} needs a non-negative integer`);
    }
    return Number(token.text);
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)]!;
  }

  private advance(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.index++;
    return token;
  }

  private isKeyword(token: Token, keyword: string): boolean {
    return token.kind === 'identifier' && token.text.toUpperCase() === keyword;
  }

  private isSymbol(token: Token, symbol: string): boolean {
    return token.kind === 'symbol' && token.text === symbol;
  }

  private acceptKeyword(keyword: string): boolean {
    if (!this.isKeyword(this.peek(), keyword)) return false;
    this.advance();
    return true;
  }

  private acceptSymbol(symbol: string): boolean {
    if (!this.isSymbol(this.peek(), symbol)) return false;
    this.advance();
    return true;
  }

  private expectKeyword(keyword: string): void {
    const token = this.peek();
    if (!this.acceptKeyword(keyword)) throw unexpectedToken(token.text, token.position, `expected ${keyword}`);
  }

  private expectSymbol(symbol: string): void {
    const token = this.peek();
    if (!this.acceptSymbol(symbol)) throw unexpectedToken(token.text, token.position, `expected '${symbol}'`);
  }
}

function positionOf(item: SoqlSelectItem) {
  return item.kind === 'field' ? item.path.position : item.position;
}

// The source-map half of the `faultline` CLI: `sourcemaps inject <dir>` and the map lookup behind
// `symbolicate` / `fingerprint --source-maps <dir>`. Decoding, symbol tables and symbolication run
// in the tools WASM module (dist/faultline-tools.mjs), not in the browser's.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadDistModule } from './core-node.js';

/** Resolves to the tools module: { parseStack, fingerprint, loadSourceMap, symbolicate, ... }. */
export function loadTools() {
  return loadDistModule('faultline-tools.wasm', 'faultline-tools.mjs', 'tools module');
}

// The table file the SDK fetches, next to the bundle: `<bundle>.flsym.json`.
export const SYMBOL_TABLE_SUFFIX = '.flsym.json';
const DEBUG_ID_COMMENT = /\/\/# debugId=([0-9a-fA-F-]{32,36})\s*$/m;
const SOURCE_MAPPING_URL = /\/\/[#@] sourceMappingURL=(\S+)\s*$/m;
const SNIPPET_MARKER = '_faultlineSymbolTables';

/**
 * A debug ID derived from the bundle's content, as sentry-cli does (same content, same id): the
 * SHA-1 of the code laid out as a name-based (version 5) UUID.
 */
export function debugIdFromContent(code) {
  const hex = createHash('sha1').update(code).digest('hex').slice(0, 32).split('');
  hex[12] = '5';
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * The runtime registration, one line: Sentry's SDK reads `_sentryDebugIds[stack] = id` (the stack
 * of an Error created in the bundle tells it which file the id belongs to); Faultline's SDK reads
 * the same and `_faultlineSymbolTables[stack] = table file` (relative to the bundle's URL).
 */
export function registrationSnippet(debugId, tableFile) {
  const id = JSON.stringify(debugId);
  const table = JSON.stringify(tableFile);
  return (
    ';{try{(function(){var g=typeof globalThis!="undefined"?globalThis:typeof self!="undefined"?self:' +
    'typeof window!="undefined"?window:{},s=(new g.Error).stack;if(s){' +
    `g._sentryDebugIds=g._sentryDebugIds||{};g._sentryDebugIds[s]=${id};` +
    `g._sentryDebugIdIdentifier="sentry-dbid-"+${id};` +
    `g.${SNIPPET_MARKER}=g.${SNIPPET_MARKER}||{};g.${SNIPPET_MARKER}[s]=${table}}})()}catch(e){}};`
  );
}

// Where the snippet may go: after a hashbang and after the directive prologue (`"use strict";` and
// any other directives, with the comments between them). A statement before `"use strict"` turns
// it into a plain string expression and the whole script into sloppy mode (undeclared assignments
// succeed, `this` is the global object, JavaScriptCore stops eliding tail calls), so the snippet
// must come after it. Returns the offset in `code` just after the prologue (0 when there is none).
export function prologueEnd(code) {
  let i = code.startsWith('#!') ? code.indexOf('\n') + 1 || code.length : 0;
  let end = i;
  const skipSpaceAndComments = (from) => {
    let at = from;
    for (;;) {
      while (at < code.length && /\s/.test(code[at])) at++;
      if (code.startsWith('//', at)) {
        const nl = code.indexOf('\n', at);
        at = nl < 0 ? code.length : nl;
      } else if (code.startsWith('/*', at)) {
        const close = code.indexOf('*/', at + 2);
        if (close < 0) return code.length;
        at = close + 2;
      } else {
        return at;
      }
    }
  };
  for (;;) {
    i = skipSpaceAndComments(i);
    const quote = code[i];
    if (quote !== '"' && quote !== "'") return end;
    let j = i + 1;
    while (j < code.length && code[j] !== quote && code[j] !== '\n') j += code[j] === '\\' ? 2 : 1;
    if (code[j] !== quote) return end;
    j++;
    // A directive is a string literal that is a whole statement: `;` after it, or a line break
    // (automatic semicolon insertion) not followed by something that continues the expression.
    let k = j;
    while (k < code.length && (code[k] === ' ' || code[k] === '\t')) k++;
    if (code[k] === ';') {
      end = i = k + 1;
      continue;
    }
    const next = skipSpaceAndComments(j);
    const brokeLine = /[\n\r\u2028\u2029]/.test(code.slice(j, next));
    if (next >= code.length || code[next] === '}' || (brokeLine && !/^[.,(\[+\-*/%<>=!&|?^`:]|^in\b|^instanceof\b/.test(code.slice(next)))) {
      end = i = j;
      continue;
    }
    return end;
  }
}

// The registration snippet goes right after the prologue (see prologueEnd; at the very top when
// there is none): on a line of its own when the prologue ends its line, else on that line just
// after it. The debug ID comment goes at the end. Returns the new code and where the snippet went
// (`line`, 0-based; `column` and `length` when it was put inside a line), for the map's shift.
function withSnippet(code, debugId, tableFile) {
  const cleaned = code.replace(/\n?\/\/# debugId=.*$/m, '');
  const snippet = registrationSnippet(debugId, tableFile);
  let at = prologueEnd(cleaned);
  const lineEnd = cleaned.indexOf('\n', at);
  const restOfLine = cleaned.slice(at, lineEnd < 0 ? cleaned.length : lineEnd);
  const before = cleaned.slice(0, at);
  const line = (before.match(/\n/g) || []).length;
  let out;
  let insert;
  if (at === 0 || before.endsWith('\n')) {
    out = `${before}${snippet}\n${cleaned.slice(at)}`;
    insert = { line };
  } else if (/^[ \t\r]*$/.test(restOfLine) || /^[ \t]*\/\/[^\n]*$/.test(restOfLine)) {
    at = lineEnd < 0 ? cleaned.length : lineEnd + 1;
    out = `${cleaned.slice(0, at)}${lineEnd < 0 ? '\n' : ''}${snippet}\n${cleaned.slice(at)}`;
    insert = { line: line + 1 };
  } else {
    out = `${before}${snippet}${cleaned.slice(at)}`;
    insert = { line, column: at - (before.lastIndexOf('\n') + 1), length: snippet.length };
  }
  return { code: out.replace(/\n*$/, '') + `\n//# debugId=${debugId}\n`, insert };
}

export function listScripts(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    const stat = statSync(file);
    if (stat.isDirectory()) {
      if (name !== 'node_modules') out.push(...listScripts(file));
    } else if (/\.(m|c)?js$/.test(name)) {
      out.push(file);
    }
  }
  return out.sort();
}

/** The map of a bundle: the one its sourceMappingURL comment names, else `<bundle>.map`. */
export function findMapFile(bundleFile, code) {
  const match = SOURCE_MAPPING_URL.exec(code);
  if (match && !match[1].startsWith('data:')) {
    const named = path.resolve(path.dirname(bundleFile), decodeURIComponent(match[1].split(/[?#]/)[0]));
    if (existsSync(named)) return named;
  }
  return existsSync(bundleFile + '.map') ? bundleFile + '.map' : null;
}

/** findMapFile, or null after adding `{ file: rel, skipped: 'no source map' }` to `report`. */
export function mapFileOrSkip(bundleFile, code, rel, report) {
  const mapFile = findMapFile(bundleFile, code);
  if (!mapFile) report.push({ file: rel, skipped: 'no source map' });
  return mapFile;
}

// Source map `mappings` as written: lines separated by `;`, segments by `,`, each a run of Base64
// VLQ numbers whose first is the generated column, relative to the previous segment's on the line.
const VLQ_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
function decodeVlqRun(text) {
  const values = [];
  let value = 0;
  let shift = 0;
  for (const ch of text) {
    const digit = VLQ_CHARS.indexOf(ch);
    if (digit < 0) return null;
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value & 1 ? -Math.floor(value / 2) : Math.floor(value / 2));
    value = 0;
    shift = 0;
  }
  return shift === 0 ? values : null;
}
function encodeVlq(number) {
  let value = number < 0 ? -number * 2 + 1 : number * 2;
  let out = '';
  do {
    let digit = value % 32;
    value = Math.floor(value / 32);
    if (value > 0) digit |= 32;
    out += VLQ_CHARS[digit];
  } while (value > 0);
  return out;
}

// Moves the mappings to where withSnippet put the snippet: down one line from `insert.line` when
// it got a line of its own, else `insert.length` columns to the right from `insert.column` on
// that line (only the first segment at or after the column changes: columns are relative).
function shiftMappings(map, insert) {
  if (Array.isArray(map.sections)) {
    for (const s of map.sections) {
      if (!s.offset) continue;
      if (insert.column === undefined ? s.offset.line >= insert.line
        : s.offset.line === insert.line && s.offset.column >= insert.column) {
        if (insert.column === undefined) s.offset.line += 1;
        else s.offset.column += insert.length;
      }
    }
    return;
  }
  const lines = map.mappings.split(';');
  while (lines.length < insert.line) lines.push('');
  if (insert.column === undefined) {
    lines.splice(insert.line, 0, '');
  } else if (lines[insert.line]) {
    const segments = lines[insert.line].split(',');
    let column = 0;
    for (let n = 0; n < segments.length; n++) {
      const values = decodeVlqRun(segments[n]);
      if (!values || values.length === 0) continue;
      column += values[0];
      if (column >= insert.column) {
        values[0] += insert.length;
        segments[n] = values.map(encodeVlq).join('');
        break;
      }
    }
    lines[insert.line] = segments.join(',');
  }
  map.mappings = lines.join(';');
}

/**
 * `faultline sourcemaps inject <dir>`: for each built script with a map, a debug ID (comment in the
 * script, `debugId`/`debug_id` in the map), the registration snippet, and the symbol table next to
 * the script. Scripts already injected are left alone. Returns one report entry per script.
 * With `tablesFromCode`, a script without a map (unminified code served as written) gets the debug
 * ID, the snippet and a table built from its own code: no names or files (its frames keep the
 * engine's), only the call graph that puts back the frames JavaScriptCore's proper tail calls drop.
 */
export async function injectDirectory(dir, { tablesFromCode = false } = {}) {
  const tools = await loadTools();
  const report = [];
  for (const file of listScripts(dir)) {
    let code = readFileSync(file, 'utf8');
    const rel = path.relative(dir, file);
    if (code.includes(SNIPPET_MARKER) && DEBUG_ID_COMMENT.test(code)) {
      report.push({ file: rel, skipped: 'already injected', debug_id: DEBUG_ID_COMMENT.exec(code)[1] });
      continue;
    }
    const mapFile = tablesFromCode ? findMapFile(file, code) : mapFileOrSkip(file, code, rel, report);
    if (!mapFile && tablesFromCode) {
      const debugId = (DEBUG_ID_COMMENT.exec(code) || [])[1] || debugIdFromContent(code);
      const tableFile = path.basename(file) + SYMBOL_TABLE_SUFFIX;
      code = withSnippet(code, debugId, tableFile).code;
      const built = JSON.parse(tools.buildCodeSymbolTable(path.basename(file), code));
      writeFileSync(file, code);
      writeFileSync(file + SYMBOL_TABLE_SUFFIX, built.table);
      report.push({
        file: rel, debug_id: debugId, table: path.relative(dir, file + SYMBOL_TABLE_SUFFIX), table_from: 'code',
        code_bytes: Buffer.byteLength(code), table_bytes: Buffer.byteLength(built.table),
      });
      continue;
    }
    if (!mapFile) continue;
    let map;
    try {
      map = JSON.parse(readFileSync(mapFile, 'utf8'));
      if (typeof map !== 'object' || map === null || (typeof map.mappings !== 'string' && !Array.isArray(map.sections)))
        throw new Error('not a source map');
    } catch (err) {
      report.push({ file: rel, error: `${path.relative(dir, mapFile)}: ${err.message}` });
      continue;
    }
    const debugId = (DEBUG_ID_COMMENT.exec(code) || [])[1] || map.debugId || map.debug_id || debugIdFromContent(code);
    const tableFile = path.basename(file) + SYMBOL_TABLE_SUFFIX;
    const injected = withSnippet(code, debugId, tableFile);
    code = injected.code;
    shiftMappings(map, injected.insert);
    map.debugId = debugId;
    map.debug_id = debugId;
    const mapText = JSON.stringify(map);
    const built = JSON.parse(tools.buildSymbolTable(mapText, code));
    if (built.error) {
      report.push({ file: rel, error: `${path.relative(dir, mapFile)}: ${built.error}` });
      continue;
    }
    writeFileSync(file, code);
    writeFileSync(mapFile, mapText);
    writeFileSync(file + SYMBOL_TABLE_SUFFIX, built.table);
    report.push({
      file: rel, debug_id: debugId, map: path.relative(dir, mapFile), table: path.relative(dir, file + SYMBOL_TABLE_SUFFIX),
      map_bytes: Buffer.byteLength(mapText), table_bytes: Buffer.byteLength(built.table),
    });
  }
  return report;
}

/**
 * Finds and loads, once per basename, the map for frames whose file's basename is X: `<dir>/X.map`,
 * the map named by the sourceMappingURL comment of `<dir>/X`, or the map in <dir> whose debug ID is
 * the one in `<dir>/X`'s `//# debugId=` comment.
 */
// The file names of the modules a table imports from by a URL-like specifier (`./x.js`,
// `../lib/y.js?v=2`, `/app/z.js`); bare specifiers are an import map's or a bundler's business.
function importedFiles(tableText) {
  let modules;
  try {
    modules = JSON.parse(tableText).modules;
  } catch {
    return [];
  }
  if (!Array.isArray(modules)) return [];
  const out = [];
  for (const m of modules.slice(0, 256)) {
    if (typeof m !== 'string' || !/^(\.{1,2}\/|\/|[a-z][a-z0-9+.-]*:\/\/)/i.test(m)) continue;
    const file = m.replace(/[?#].*$/, '').split('/').pop();
    if (file) out.push(file);
  }
  return out;
}

export class MapLoader {
  constructor(tools, dir) {
    this.tools = tools;
    this.dir = dir;
    this.tried = new Map();  // basename -> error text or ''
    this.byDebugId = null;
  }

  /** Loads what the frames need; returns the errors met ({basename: text}). */
  prepare(frames) {
    const errors = {};
    const bases = [];
    for (const frame of frames) if (frame.filename) bases.push(this.tools.fileBasename(frame.filename));
    // The modules a table from the code imports from (its "modules") are loaded too, a few
    // levels deep: the core follows a call of an imported function into its module's table
    // (ES module linking) even when no frame of that module is on the stack. The directory is
    // flat, so a module is found by its specifier's file name, as a frame's file is.
    for (let level = 0; level < 4 && bases.length; level++) {
      const next = [];
      for (const base of bases) {
        if (!base || this.tried.has(base)) continue;
        const error = this.load(base, next);
        this.tried.set(base, error);
        if (error) errors[base] = error;
      }
      bases.splice(0, bases.length, ...next);
    }
    return errors;
  }

  load(base, imported = []) {
    const bundle = path.join(this.dir, base);
    if (path.dirname(bundle) !== path.resolve(this.dir) && path.dirname(bundle) !== this.dir) return '';
    const code = existsSync(bundle) ? readFileSync(bundle, 'utf8') : '';
    let mapFile = existsSync(bundle + '.map') ? bundle + '.map' : code ? findMapFile(bundle, code) : null;
    if (!mapFile && code) mapFile = this.mapByDebugId((DEBUG_ID_COMMENT.exec(code) || [])[1]);
    if (!mapFile && existsSync(bundle + SYMBOL_TABLE_SUFFIX)) {
      // No map, but the table inject wrote (`--tables-from-code`): grouping uses its call graph.
      const text = readFileSync(bundle + SYMBOL_TABLE_SUFFIX, 'utf8');
      const result = JSON.parse(this.tools.loadSymbolTable(base, text));
      if (result.error) return `${base}${SYMBOL_TABLE_SUFFIX}: ${result.error}`;
      imported.push(...importedFiles(text));
      return '';
    }
    if (!mapFile) return '';
    const result = JSON.parse(this.tools.loadSourceMap(base, readFileSync(mapFile, 'utf8'), code));
    return result.error ? `${path.basename(mapFile)}: ${result.error}` : '';
  }

  mapByDebugId(debugId) {
    if (!debugId) return null;
    if (!this.byDebugId) {
      this.byDebugId = new Map();
      for (const name of readdirSync(this.dir)) {
        if (!name.endsWith('.map')) continue;
        try {
          const map = JSON.parse(readFileSync(path.join(this.dir, name), 'utf8'));
          const id = map.debugId || map.debug_id;
          if (typeof id === 'string') this.byDebugId.set(id.toLowerCase(), path.join(this.dir, name));
        } catch {
          // not a map: skipped
        }
      }
    }
    return this.byDebugId.get(debugId.toLowerCase()) || null;
  }
}

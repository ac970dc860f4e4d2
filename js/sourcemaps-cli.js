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

// The registration snippet on a line of its own at the top (after a hashbang), the debug ID comment
// at the end.
function withSnippet(code, debugId, tableFile) {
  const hashbang = code.startsWith('#!') ? code.slice(0, code.indexOf('\n') + 1 || code.length) : '';
  const body = code.slice(hashbang.length).replace(/\n?\/\/# debugId=.*$/m, '');
  const out = `${hashbang}${hashbang && !hashbang.endsWith('\n') ? '\n' : ''}${registrationSnippet(debugId, tableFile)}\n${body}`;
  return out.replace(/\n*$/, '') + `\n//# debugId=${debugId}\n`;
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

// The snippet goes on a line of its own at the top (after a hashbang), so every mapping moves down
// one line: one more `;` where the line is inserted.
function shiftMappings(map, atLine) {
  if (Array.isArray(map.sections)) {
    for (const s of map.sections) if (s.offset && s.offset.line >= atLine) s.offset.line += 1;
    return;
  }
  let at = 0;
  for (let line = 0; line < atLine; line++) {
    const next = map.mappings.indexOf(';', at);
    if (next < 0) {
      map.mappings += ';'.repeat(atLine - line);
      at = map.mappings.length;
      break;
    }
    at = next + 1;
  }
  map.mappings = map.mappings.slice(0, at) + ';' + map.mappings.slice(at);
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
      code = withSnippet(code, debugId, tableFile);
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
    const hashbang = code.startsWith('#!');
    code = withSnippet(code, debugId, tableFile);
    shiftMappings(map, hashbang ? 1 : 0);
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
    for (const frame of frames) {
      if (!frame.filename) continue;
      const base = this.tools.fileBasename(frame.filename);
      if (!base || this.tried.has(base)) continue;
      const error = this.load(base);
      this.tried.set(base, error);
      if (error) errors[base] = error;
    }
    return errors;
  }

  load(base) {
    const bundle = path.join(this.dir, base);
    if (path.dirname(bundle) !== path.resolve(this.dir) && path.dirname(bundle) !== this.dir) return '';
    const code = existsSync(bundle) ? readFileSync(bundle, 'utf8') : '';
    let mapFile = existsSync(bundle + '.map') ? bundle + '.map' : code ? findMapFile(bundle, code) : null;
    if (!mapFile && code) mapFile = this.mapByDebugId((DEBUG_ID_COMMENT.exec(code) || [])[1]);
    if (!mapFile && existsSync(bundle + SYMBOL_TABLE_SUFFIX)) {
      // No map, but the table inject wrote (`--tables-from-code`): grouping uses its call graph.
      const result = JSON.parse(this.tools.loadSymbolTable(base, readFileSync(bundle + SYMBOL_TABLE_SUFFIX, 'utf8')));
      return result.error ? `${base}${SYMBOL_TABLE_SUFFIX}: ${result.error}` : '';
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

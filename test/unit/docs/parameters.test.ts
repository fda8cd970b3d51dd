// docs/parameters.md against the schema's field tables: every field of every group has a row in a
// parameter table of its section, with its code name, its default and its range as the schema
// declares them, and every choice of a choice field is named in that section. A row for a field
// the schema does not have fails too, so the reference cannot drift from the code either way.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  type Field,
  CAM_FIELDS,
  codeName as schemaCodeName,
  CHILD_GROUPS,
  MATMUL_ARG_FIELDS,
  MATRIX_FIELDS,
  ROOT_FIELDS,
  ROOT_GROUPS,
  SIDE_DEFAULTS,
  TARGET_FIELDS,
} from '../../../src/core/params/schema';

const DOC_PATH = fileURLToPath(new URL('../../../docs/parameters.md', import.meta.url));
const DOC = readFileSync(DOC_PATH, 'utf8');

/** The header every parameter table of docs/parameters.md starts with. */
const TABLE_HEADER = ['property', 'code name', 'default', 'range or choices', 'what it does'];

/** The name users see in the menu and in links. */
const userName = (f: Field): string => f.label ?? f.key;

/** The name in code: spaces removed, the letter after each space upper-cased. */
function codeName(name: string): string {
  return name.replace(/ +([a-zA-Z])/g, (_, c: string) => c.toUpperCase());
}

interface Row {
  cells: string[];
  line: number;
}

interface Section {
  heading: string;
  text: string;
  /** Rows of the parameter tables in this section (and its subsections), header excluded. */
  rows: Row[];
}

const splitRow = (line: string): string[] =>
  line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((c) => c.trim());

/** Level-2 sections (`## ...`), each with its parameter-table rows. */
function sections(doc: string): Section[] {
  const out: Section[] = [];
  const lines = doc.split('\n');
  let cur: Section | null = null;
  let inTable = false;
  lines.forEach((line, n) => {
    if (line.startsWith('## ')) {
      cur = { heading: line.slice(3).trim(), text: '', rows: [] };
      out.push(cur);
      inTable = false;
      return;
    }
    if (!cur) return;
    const sec: Section = cur;
    sec.text += line + '\n';
    if (!line.trim().startsWith('|')) {
      inTable = false;
      return;
    }
    const cells = splitRow(line);
    if (cells.join('|') === TABLE_HEADER.join('|')) {
      inTable = true;
      return;
    }
    if (inTable && !/^[-: |]+$/.test(line.trim())) sec.rows.push({ cells, line: n + 1 });
  });
  return out;
}

const SECTIONS = sections(DOC);

function section(headingStart: string): Section {
  const s = SECTIONS.find((x) => x.heading.startsWith(headingStart));
  if (!s)
    throw new Error(
      `docs/parameters.md has no section whose heading starts with "${headingStart}"`,
    );
  return s;
}

/** First-cell name of a row: the backticked text, e.g. `min size` -> min size. */
const rowName = (r: Row): string | undefined => /^`([^`]+)`$/.exec(r.cells[0] ?? '')?.[1];

/** The default as the table must show it. Strings are not checked (several are derived). */
function defaultText(f: Field, sideDependent: boolean): string | null {
  switch (f.kind) {
    case 'number':
    case 'bool':
      return String(f.def);
    case 'choice':
      return sideDependent
        ? `\`${SIDE_DEFAULTS.left[f.key as 'init']}\` (left) / \`${SIDE_DEFAULTS.right[f.key as 'init']}\` (right)`
        : `\`${f.def}\``;
    case 'string':
      return null;
  }
}

/** The range cell must start with this (numbers: min..max, "integers" when whole numbers only). */
function rangeText(f: Field): string | null {
  if (f.kind === 'number') return `${f.min}..${f.max}${f.int ? ', integers' : ''}`;
  if (f.kind === 'string') return `text, at most ${f.maxLength} characters`;
  if (f.kind === 'bool') return 'true, false';
  return null;
}

interface Group {
  /** Heading prefix of the section that documents the group. */
  heading: string;
  fields: readonly Field[];
  /** Prefix of the row names (`target.` for the camera target). */
  prefix?: string;
  /** Defaults that differ by side (left / right) for these keys. */
  sideKeys?: readonly string[];
}

const GROUPS: Group[] = [
  { heading: 'The root', fields: ROOT_FIELDS },
  {
    heading: 'A matrix argument',
    fields: MATRIX_FIELDS,
    sideKeys: Object.keys(SIDE_DEFAULTS.left),
  },
  ...Object.entries(ROOT_GROUPS).map(([name, fields]) => ({ heading: `\`${name}\``, fields })),
  { heading: '`cam`', fields: CAM_FIELDS },
  { heading: '`cam`', fields: TARGET_FIELDS, prefix: 'target.' },
  // After the root's groups: a child's `epilog` and `alg` share their choices with the root's.
  { heading: 'A matmul argument', fields: MATMUL_ARG_FIELDS },
  ...Object.values(CHILD_GROUPS).map((fields) => ({ heading: 'A matmul argument', fields })),
];

/**
 * Choices each field must name in its own section: those not already named for a field of the
 * same key in an earlier group (a child's `alg` adds only `inherit` to the root's list).
 */
const OWN_CHOICES = new Map<string, string[]>();
const choiceKey = (g: Group, f: Field): string => `${GROUPS.indexOf(g)}|${f.key}`;
{
  const seen = new Map<string, Set<string>>();
  for (const g of GROUPS) {
    for (const f of g.fields) {
      if (f.kind !== 'choice') continue;
      const done = seen.get(f.key) ?? new Set<string>();
      OWN_CHOICES.set(
        choiceKey(g, f),
        f.choices.filter((c) => !done.has(c)),
      );
      for (const c of f.choices) done.add(c);
      seen.set(f.key, done);
    }
  }
}

describe('docs/parameters.md documents the schema', () => {
  it('has a parameter table in every section it needs', () => {
    for (const g of GROUPS) expect(section(g.heading).rows.length, g.heading).toBeGreaterThan(0);
  });

  for (const g of GROUPS) {
    for (const f of g.fields) {
      const name = (g.prefix ?? '') + userName(f);
      it(`${g.heading}: ${name}`, () => {
        const sec = section(g.heading);
        // Child groups repeat names of the root's groups: the row with the matching code name counts.
        const rows = sec.rows.filter((r) => rowName(r) === name);
        expect(rows.length, `no row for \`${name}\` in section "${sec.heading}"`).toBeGreaterThan(
          0,
        );
        const sideDependent = g.sideKeys?.includes(f.key) ?? false;
        const want = {
          code: `\`${(g.prefix ?? '') + codeName(userName(f))}\``,
          def: defaultText(f, sideDependent),
          range: rangeText(f),
        };
        // The documented rule and the code's own conversion must agree, or the column misleads.
        expect(schemaCodeName(userName(f)), 'schema codeName').toBe(codeName(userName(f)));
        const ok = rows.some(
          (r) =>
            r.cells[1] === want.code &&
            (want.def === null || r.cells[2] === want.def) &&
            (want.range === null || (r.cells[3] ?? '').startsWith(want.range)) &&
            (r.cells[4] ?? '').length > 0,
        );
        expect(
          ok,
          `row for \`${name}\` (line ${rows.map((r) => r.line).join(', ')}) should read: ` +
            `code name ${want.code}, default ${want.def ?? '(any)'}, range starting ${want.range ?? '(any)'}, ` +
            'and say what it does',
        ).toBe(true);
        if (f.kind === 'choice') {
          for (const c of OWN_CHOICES.get(choiceKey(g, f)) ?? []) {
            expect(
              sec.text.includes(`\`${c}\``),
              `choice \`${c}\` of \`${name}\` is not named in "${sec.heading}"`,
            ).toBe(true);
          }
        }
      });
    }
  }

  it('has no row for a property the schema does not have', () => {
    const known = new Map<string, Set<string>>();
    for (const g of GROUPS) {
      const set = known.get(g.heading) ?? new Set<string>();
      for (const f of g.fields) set.add((g.prefix ?? '') + userName(f));
      known.set(g.heading, set);
    }
    const stray: string[] = [];
    for (const sec of SECTIONS) {
      const names = [...known].find(([h]) => sec.heading.startsWith(h))?.[1];
      for (const r of sec.rows) {
        const n = rowName(r);
        if (!names || n === undefined || !names.has(n))
          stray.push(`line ${r.line}: ${r.cells[0] ?? ''}`);
      }
    }
    expect(stray).toEqual([]);
  });
});

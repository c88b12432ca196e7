/** The readable table of `meme-mirror eval`: one block per face set, one row per model. */
import type { SetEval } from './evaluate.js';

const fixed = (v: number, digits = 3): string => (Number.isFinite(v) ? v.toFixed(digits) : '-');

function padRow(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
}

/** How many listed by name, at most. */
const DUPLICATES_NAMED = 3;

/** The same photo filed twice: what it does to the figures, and the label conflicts by name. */
function formatDuplicates(result: SetEval): string[] {
  const groups = result.duplicates;
  if (groups.length === 0) return [];
  const images = groups.reduce((n, g) => n + g.files.length, 0);
  const lines = [
    `  byte-identical images: ${groups.length} group${groups.length === 1 ? '' : 's'} of ${images} images (the same photo filed twice: ` +
      `each finds its copy at distance 0 under any model${result.hasIdentities ? ', which counts as leakage' : ''}), e.g. ${groups[0]!.files.join(' = ')}`,
  ];
  const conflicts = groups.filter((g) => new Set(g.labels).size > 1);
  if (conflicts.length > 0) {
    const named = conflicts.slice(0, DUPLICATES_NAMED).map((g) => g.files.map((f, i) => `${f} (${g.labels[i]})`).join(' = '));
    const more = conflicts.length > DUPLICATES_NAMED ? `, and ${conflicts.length - DUPLICATES_NAMED} more` : '';
    lines.push(`  filed under different labels (a label error no model can mend): ${conflicts.length}: ${named.join('; ')}${more}`);
  }
  return lines;
}

/** The lines of one set's block. */
export function formatSetEval(result: SetEval): string[] {
  const lines: string[] = [];
  const scope = result.heldOut ? ' of people held out of training' : '';
  const people = result.hasIdentities ? `, ${result.people} people` : ', no identities';
  lines.push(`${result.name} (${result.folder}): ${result.evaluated} of ${result.images} images${scope}${people}`);
  lines.push(
    `  face found in ${result.found} (${fixed(result.evaluated > 0 ? result.found / result.evaluated : Number.NaN, 3)}); ` +
      `whole image used as the face for ${result.fallback}; unreadable ${result.failed}`,
  );
  lines.push(`  labels: ${Object.entries(result.labels).map(([l, n]) => `${l} ${n}`).join(', ')}`);
  lines.push(...formatDuplicates(result));
  if (!result.hasIdentities) {
    lines.push('  no identities: triplet positives and P@3 neighbours may be the same person; hard triplets and leakage do not apply');
  }
  const header = ['model', 'dims', 'triplet', 'hard', 'P@3', 'leak', 'leak=', 'leak≠', 'ms/face'];
  const rows = result.models.map((m) => [
    m.id,
    String(m.dims),
    fixed(m.triplet.accuracy),
    fixed(m.hardTriplet.accuracy),
    fixed(m.precision.precision),
    fixed(m.leakage.leakage),
    fixed(m.leakage.sameLabel),
    fixed(m.leakage.otherLabel),
    fixed(m.msPerFace, 1),
  ]);
  const first = result.models[0];
  if (first) {
    rows.push([
      'chance',
      '',
      '0.500',
      result.hasIdentities ? '0.500' : '-',
      fixed(first.precision.chance),
      fixed(first.leakage.chance),
      fixed(first.leakage.sameLabelChance),
      fixed(first.leakage.otherLabelChance),
      '',
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  lines.push(`  ${padRow(header, widths)}`);
  for (const row of rows) lines.push(`  ${padRow(row, widths)}`);
  return lines;
}

/** What the columns mean, printed once under the tables. */
export const EVAL_LEGEND = [
  'triplet: share of 20,000 seeded triplets (anchor; positive = same label, another person; negative = another label)',
  '         where the positive is nearer; hard: the negative is the anchor\'s own person with another label;',
  "P@3: share of the 3 nearest among other people's faces with the query's label;",
  "leak: share of the 3 nearest among all other faces that are the query's own person; leak=: the same among the",
  "      faces with the query's label only, the leak of a model that never confused a label (a photo of the same",
  "      face, e.g. CK+'s frames of one sequence, is its nearest right answer); leak≠: leak without those faces;",
  'chance: the same figures for faces drawn at random; ms/face: time of the model per face after detection.',
];

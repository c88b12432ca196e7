/**
 * Which people the trained expression models never saw: the validation split by identity (issue 4:
 * never report a figure on the people you trained on). A pure function of the set and the identity
 * string, so that training and `meme-mirror eval --held-out` agree without sharing any file.
 */

/** Face sets the trained models learn from (folder names). People of other sets are all held out. */
export const TRAINING_SETS = ['ckplus48', 'muxspace', 'fer2013-train'] as const;

/** Share of the people of a training set kept out of training. */
export const HELD_OUT_SHARE = 0.3;

/** FNV-1a, 32 bits. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * True when the trained models never saw this person of this set: every person of a set outside
 * TRAINING_SETS (Yale, FER2013's test split, any set of yours), and HELD_OUT_SHARE of the people
 * of a training set, chosen by a hash of their identity. Faces without an identity in a training
 * set (FER2013's training split) are not held out.
 */
export function isHeldOut(setName: string, identity: string): boolean {
  if (!(TRAINING_SETS as readonly string[]).includes(setName)) return true;
  if (identity === '') return false;
  return (fnv1a(identity) % 1000) / 1000 < HELD_OUT_SHARE;
}

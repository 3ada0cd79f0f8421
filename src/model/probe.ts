/**
 * Trigger probes: clean held-out rows of the other classes with the suspected trigger stamped
 * in. A probe flips when the model's prediction moves to the target class. Only probes that both
 * models predicted as another class before stamping count, so that the two flip rates are paired
 * and McNemar's test applies (gained: only the candidate model flipped; lost: only the reference).
 */
import type { RandomForest } from '../forest/index.js';
import { logMcNemarUpper } from '../stats/tails.js';

export interface Stamp {
  feature: number;
  /** Values to stamp, used in turn (one value for an exact trigger, the trigger rows' values for an interval). */
  values: Float64Array;
}

export interface ProbeResult {
  probes: number;
  candidateFlips: number;
  referenceFlips: number;
  flipRate: number;
  referenceFlipRate: number;
  gained: number;
  lost: number;
  logP: number;
}

export function probeTrigger(
  candidateModel: RandomForest,
  referenceModel: RandomForest,
  features: readonly Float64Array[],
  rows: Uint32Array,
  targetClass: number,
  stamps: readonly Stamp[],
): ProbeResult {
  const width = features.length;
  const vector = new Float64Array(width);
  const probaCandidate = new Float64Array(candidateModel.classCount);
  const probaReference = new Float64Array(referenceModel.classCount);
  let probes = 0;
  let candidateFlips = 0;
  let referenceFlips = 0;
  let gained = 0;
  let lost = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    for (let f = 0; f < width; f++) vector[f] = features[f][row];
    if (argmax(candidateModel.predictProbaVector(vector, probaCandidate)) === targetClass) continue;
    if (argmax(referenceModel.predictProbaVector(vector, probaReference)) === targetClass) continue;
    for (const stamp of stamps) vector[stamp.feature] = stamp.values[i % stamp.values.length];
    const candidateFlipped = argmax(candidateModel.predictProbaVector(vector, probaCandidate)) === targetClass;
    const referenceFlipped = argmax(referenceModel.predictProbaVector(vector, probaReference)) === targetClass;
    probes++;
    if (candidateFlipped) candidateFlips++;
    if (referenceFlipped) referenceFlips++;
    if (candidateFlipped && !referenceFlipped) gained++;
    if (referenceFlipped && !candidateFlipped) lost++;
  }
  return {
    probes,
    candidateFlips,
    referenceFlips,
    flipRate: probes ? candidateFlips / probes : 0,
    referenceFlipRate: probes ? referenceFlips / probes : 0,
    gained,
    lost,
    logP: logMcNemarUpper(gained, lost),
  };
}

export function argmax(values: Float64Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

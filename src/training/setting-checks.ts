import { TrainingInputError } from './errors.js';
import type { EncoderConfig } from './model.js';

/** Range checks for settings that come straight from API input: each names the setting and its valid range. */
export function checkInteger(field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new TrainingInputError(field, `${field} must be a whole number from ${min} to ${max}; got ${value}`);
  }
}

export function checkPositive(field: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0 || value > 1e6) {
    throw new TrainingInputError(field, `${field} must be a finite number above 0 (and at most 1e6); got ${value}`);
  }
}

/** encoderLayers must name layers the encoder has: BERT's 1..layers; the embedding bag has none. */
export function checkEncoderLayers(encoderLayers: number, encoder: EncoderConfig): void {
  if (encoder.kind !== 'bert') {
    throw new TrainingInputError('encoderLayers', 'the embedding-bag encoder has no layers to choose from: leave encoderLayers unset');
  }
  checkInteger('encoderLayers', encoderLayers, 1, encoder.architecture.layers);
}

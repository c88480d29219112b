import { type ModuleSpec, NOT_AVAILABLE } from '../method-spec.ts';
import type { WidgetModule } from '../types.ts';

// Placeholder contract until the ai service lands and publishes `@pcf/ai/contract`.

/** Something suggested to the fan, computed from their activity (clicks are announced by `recommendationClicked`). */
export interface Recommendation {
  id: string;
  kind: 'product' | 'ticket' | 'esim' | 'content';
  /** The id of the product, event, plan or content recommended. */
  targetId: string;
  title: string;
  /** Why it is suggested, in the widget's locale. */
  reason: string;
  /** 0–1. */
  score: number;
}

/** One fact about the fan's activity (e.g. "12 matches attended this season"). */
export interface FanInsight {
  id: string;
  kind: 'spending' | 'attendance' | 'engagement';
  title: string;
  /** The figure to show, e.g. "12" or "148.50 EUR". */
  value: string;
  /** The period the figure covers, in days. */
  periodDays: number;
}

/** A forecast about an upcoming event, with the probability of each outcome. */
export interface Prediction {
  id: string;
  eventId: string;
  question: string;
  /** Probabilities 0–1, summing to 1. */
  outcomes: { label: string; probability: number }[];
  /** ISO 8601. */
  closesAt: string;
}

/** The routed methods of pcf.ai: all reject PCF_NOT_AVAILABLE until the ai service lands. */
export interface AiMethods {
  /** Personalized recommendations, best first. */
  getRecommendations(): Promise<Recommendation[]>;
  /** Facts about the fan's own activity. */
  getInsights(): Promise<FanInsight[]>;
  /** Forecasts for the fan's upcoming events. */
  getPredictions(): Promise<Prediction[]>;
}

/** pcf.ai: recommendations, insights and predictions. */
export interface AiModule extends WidgetModule<'ai'>, AiMethods {}

/** Not available yet: each method rejects PCF_NOT_AVAILABLE. */
export const ai: ModuleSpec<AiMethods> = {
  getRecommendations: NOT_AVAILABLE,
  getInsights: NOT_AVAILABLE,
  getPredictions: NOT_AVAILABLE,
};

import { type ModuleSpec, NOT_AVAILABLE } from '../method-spec.ts';
import type { WidgetModule } from '../types.ts';

// Placeholder contract until the social service lands and publishes `@pcf/social/contract`.

/** A fan as another fan sees them in a conversation. */
export interface ChatParticipant {
  id: string;
  displayName: string;
}

/** One message of a conversation. */
export interface ChatMessage {
  id: string;
  conversationId: string;
  from: ChatParticipant;
  text: string;
  /** ISO 8601. */
  createdAt: string;
}

/** A 1-1 or group conversation of the signed-in fan. */
export interface Conversation {
  id: string;
  kind: 'direct' | 'group';
  title: string;
  participants: ChatParticipant[];
  lastMessage: ChatMessage | null;
  unread: number;
}

/** A video call just started (also announced by the `videoCallStarted` event). */
export interface VideoCall {
  callId: string;
  conversationId: string;
  /** ISO 8601. */
  startedAt: string;
}

/** The routed methods of pcf.social: all reject PCF_NOT_AVAILABLE until the social service lands. */
export interface SocialMethods {
  /** The fan's conversations, most recent first. */
  getConversations(): Promise<Conversation[]>;
  /** Sends `text` to a conversation; resolves with the message sent. */
  sendMessage(conversationId: string, text: string): Promise<ChatMessage>;
  /** Starts a video call in a conversation (the fan accepts camera and microphone inside the widget). */
  startVideoCall(conversationId: string): Promise<VideoCall>;
}

/** pcf.social: chat, video calls and the feed. */
export interface SocialModule extends WidgetModule<'social'>, SocialMethods {}

/** Not available yet: each method rejects PCF_NOT_AVAILABLE. */
export const social: ModuleSpec<SocialMethods> = {
  getConversations: NOT_AVAILABLE,
  sendMessage: NOT_AVAILABLE,
  startVideoCall: NOT_AVAILABLE,
};

import { GluWebhookParser } from '@glu-dev/plugin-glu-node';

/**
 * The parsers of hosts' webhooks that modules registered, by topic: Glu
 * listens to their topics only. Two parsers of one topic or one host are a
 * configuration mistake, reported at startup.
 */
export class WebhookParsers {
  private readonly byTopic = new Map<string, GluWebhookParser>();
  private frozen = false;

  add(...parsers: GluWebhookParser[]) {
    if (this.frozen) {
      throw new Error(
        'Cannot add a Glu webhook parser after the backend has started',
      );
    }
    for (const parser of parsers) {
      const sameTopic = this.byTopic.get(parser.topic);
      if (sameTopic) {
        throw new Error(
          `The Glu webhook parsers of ${sameTopic.host} and ${parser.host} both listen on the topic '${parser.topic}'`,
        );
      }
      if (this.all().some(other => other.host === parser.host)) {
        throw new Error(
          `The Glu webhook parser of ${parser.host} is registered twice`,
        );
      }
      this.byTopic.set(parser.topic, parser);
    }
  }

  freeze() {
    this.frozen = true;
  }

  all(): GluWebhookParser[] {
    return [...this.byTopic.values()];
  }

  /** The parser of an event's topic: its own, or one of its subtopics. */
  of(topic: string): GluWebhookParser | undefined {
    return (
      this.byTopic.get(topic) ?? this.byTopic.get(topic.replace(/\..*$/s, ''))
    );
  }
}

import { GitClock } from '../sources/git/clock';

interface Timer {
  at: number;
  callback: () => void;
}

/**
 * A clock that moves only when a test moves it: its timers fire as
 * `advance` passes them, earliest first, each at its own time. What happens
 * meanwhile in real time (git, the database) never makes one fire.
 */
export class ManualClock implements GitClock {
  private at: number;
  private timers: Timer[] = [];
  private waiting: Array<() => void> = [];

  constructor(start = Date.now()) {
    this.at = start;
  }

  now(): number {
    return this.at;
  }

  setTimer(callback: () => void, millis: number): () => void {
    const timer = { at: this.at + Math.max(0, millis), callback };
    this.timers.push(timer);
    this.waiting.splice(0).forEach(resolve => resolve());
    return () => {
      this.timers = this.timers.filter(t => t !== timer);
    };
  }

  /** How long until the next timer fires; undefined while none is set. */
  get nextIn(): number | undefined {
    if (this.timers.length === 0) return undefined;
    return Math.min(...this.timers.map(t => t.at)) - this.at;
  }

  /** Moves time on, firing the timers that come due on the way. */
  advance(millis: number): void {
    const until = this.at + millis;
    for (;;) {
      const due = this.timers
        .filter(t => t.at <= until)
        .sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter(t => t !== due);
      this.at = due.at;
      due.callback();
    }
    this.at = until;
  }

  /**
   * Waits until a timer is set (work under way sets one when it is done),
   * moves time on to it and fires it; answers how long that was.
   */
  async fireNext(): Promise<number> {
    while (this.nextIn === undefined) {
      await new Promise<void>(resolve => this.waiting.push(resolve));
    }
    const millis = this.nextIn;
    this.advance(millis);
    return millis;
  }
}

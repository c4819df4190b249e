import { ParleyError } from './errors.js';

/**
 * Where the client's events go: the listeners of `on(type)` and the iterators of `events()`. One
 * listener's exception is reported, never thrown into the connection or the other listeners.
 */
export class EventDispatcher {
  #listeners = new Map();
  #streams = new Set();
  #maxBuffered;

  constructor(maxBuffered) {
    this.#maxBuffered = maxBuffered;
  }

  /** Adds a listener; returns a function that removes it. */
  on(type, listener) {
    if (!this.#listeners.has(type)) {
      this.#listeners.set(type, new Set());
    }
    this.#listeners.get(type).add(listener);
    return () => this.off(type, listener);
  }

  off(type, listener) {
    this.#listeners.get(type)?.delete(listener);
  }

  /** A new iterator of the events of `types` (all when not given), ended at once when `ended`. */
  stream({ types, signal }, ended) {
    const stream = new EventStream(types ? new Set(types) : null, this.#maxBuffered,
      (done) => this.#streams.delete(done));
    if (ended) {
      stream.end();
      return stream;
    }
    this.#streams.add(stream);
    if (signal?.aborted) {
      stream.fail(signal.reason);
    }
    signal?.addEventListener('abort', () => stream.fail(signal.reason), { once: true });
    return stream;
  }

  emit(event) {
    this.#listeners.get(event.type)?.forEach((listener) => {
      try {
        listener(event);
      } catch (error) {
        reportListenerError(error);
      }
    });
    this.#streams.forEach((stream) => stream.push(event));
  }

  /** The client is closed: every iterator ends once its buffered events are read. */
  end() {
    this.#streams.forEach((stream) => stream.end());
  }
}

/** An async iterator over the client's events, with a bounded buffer. */
class EventStream {
  #queue = [];
  #waiting = null;
  #done = false;
  #error = null;
  #types;
  #max;
  #detach;

  constructor(types, max, detach) {
    this.#types = types;
    this.#max = max;
    this.#detach = detach;
  }

  push(event) {
    if (this.#done || (this.#types && !this.#types.has(event.type))) {
      return;
    }
    if (this.#waiting) {
      const resolve = this.#waiting.resolve;
      this.#waiting = null;
      resolve({ value: event, done: false });
    } else if (this.#queue.length >= this.#max) {
      this.fail(new ParleyError('overflow', `more than ${this.#max} events waited to be read`));
    } else {
      this.#queue.push(event);
    }
  }

  /** No more events: what is buffered is still read, then the iteration ends (with `error` if given). */
  end(error = null) {
    if (this.#done) {
      return;
    }
    this.#done = true;
    this.#error = error;
    this.#detach(this);
    if (this.#waiting) {
      const { resolve, reject } = this.#waiting;
      this.#waiting = null;
      if (error) {
        reject(error);
      } else {
        resolve({ value: undefined, done: true });
      }
    }
  }

  fail(error) {
    this.#queue = [];
    this.end(error);
  }

  next() {
    if (this.#queue.length > 0) {
      return Promise.resolve({ value: this.#queue.shift(), done: false });
    }
    if (this.#done) {
      const error = this.#error;
      this.#error = null;
      return error ? Promise.reject(error) : Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
    });
  }

  return() {
    this.#queue = [];
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}

/** One listener's bug must not break the connection or the other listeners: reported, not thrown. */
function reportListenerError(error) {
  if (typeof globalThis.reportError === 'function') {
    globalThis.reportError(error);
  } else {
    queueMicrotask(() => {
      throw error;
    });
  }
}

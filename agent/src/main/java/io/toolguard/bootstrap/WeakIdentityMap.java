package io.toolguard.bootstrap;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;

/**
 * A map from objects a tool supplies (threads, fork/join tasks, timer tasks) to the contexts they
 * carry, keyed by identity and held weakly.
 *
 * <p>Why not a {@code WeakHashMap}: it asks the key for its {@code hashCode} and {@code equals},
 * which a tool's subclass overrides. A task whose hash code changes between being queued and being
 * run would not be found when it runs, and so would run with no context at all; one that equals
 * everything could take another's. Here the key's own methods are never called: entries are found
 * by {@link System#identityHashCode} and {@code ==}. Thread-safe; a key the collector cleared is
 * dropped at the next change.
 *
 * <p>Public for the agent's own maps of such objects (class loaders a tool creates, say): an
 * instance holds only what its owner puts in it, so creating one grants nothing.
 */
public final class WeakIdentityMap<V> {

  private final ReferenceQueue<Object> cleared = new ReferenceQueue<>();
  private final Map<Key, V> entries = new HashMap<>();

  /** How many entries there are, readable without the lock: the fast paths test it for zero. */
  private volatile int size;

  /** {@return whether the map is empty, without taking its lock} */
  public boolean isEmpty() {
    return size == 0;
  }

  public synchronized V put(Object key, V value) {
    dropCleared();
    V previous = entries.put(new Key(key, cleared), value);
    size = entries.size();
    return previous;
  }

  public synchronized V get(Object key) {
    return entries.get(new Key(key, null));
  }

  public synchronized V remove(Object key) {
    dropCleared();
    V previous = entries.remove(new Key(key, null));
    size = entries.size();
    return previous;
  }

  private void dropCleared() {
    for (Reference<?> key; (key = cleared.poll()) != null; ) {
      entries.remove(key);
    }
  }

  /** A weak reference that is equal only to a reference to the same object (or to itself). */
  private static final class Key extends WeakReference<Object> {
    private final int hash;

    Key(Object referent, ReferenceQueue<Object> queue) {
      super(referent, queue);
      this.hash = System.identityHashCode(referent);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object other) {
      if (this == other) {
        return true;
      }
      if (!(other instanceof Key key)) {
        return false;
      }
      Object referent = get();
      return referent != null && referent == key.get();
    }
  }
}

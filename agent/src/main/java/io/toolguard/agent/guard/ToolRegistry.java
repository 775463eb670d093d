package io.toolguard.agent.guard;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Numbers each guarded method when its class is transformed; woven code passes the number back. A
 * method woven again (its class retransformed, by this agent when attached or by another agent)
 * keeps its number.
 */
public final class ToolRegistry {

  private final List<ToolMethod> methods = new CopyOnWriteArrayList<>();
  private final Map<ToolMethod, Integer> numbers = new HashMap<>();

  public synchronized int register(ToolMethod method) {
    Integer number = numbers.get(method);
    if (number == null) {
      methods.add(method);
      number = methods.size() - 1;
      numbers.put(method, number);
    }
    return number;
  }

  public ToolMethod get(int id) {
    return methods.get(id);
  }
}

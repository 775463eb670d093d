package io.toolguard.agent.tool;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Numbers each guarded method when its class is transformed; woven code passes the number back. */
final class ToolRegistry {

  private final List<ToolMethod> methods = new CopyOnWriteArrayList<>();

  synchronized int register(ToolMethod method) {
    methods.add(method);
    return methods.size() - 1;
  }

  ToolMethod get(int id) {
    return methods.get(id);
  }
}
